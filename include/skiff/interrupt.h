#pragma once
/* Deferred SIGINT/SIGTERM/SIGHUP for commands that must undo what they made (load, import):
 * the handler only records the signal (and, installed without SA_RESTART, makes a blocking
 * read return EINTR); the long loops poll skiff_interrupted() and fail, the ordinary error path
 * removes the command's temp dir and partial layers, and the CLI then dies of the signal. */

/* Installs the handlers (signals already ignored stay ignored), and ignores SIGXFSZ. */
void skiff_interrupt_catch (void);
/* The signal that arrived since skiff_interrupt_catch, or 0. */
int skiff_interrupted (void);
/* With a pending signal: restores its default action and raises it again (does not return).
 * Without one, returns. */
void skiff_interrupt_reraise (void);
