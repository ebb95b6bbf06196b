/* Stand-ins for the libxml2 functions that libarchive's xar *writer* calls.
 *
 * Why: with static_deps, libarchive.a is linked object by object.  Its pax writer (used by
 * `save`) needs a helper that lives in archive_write_set_format.o, and that object's
 * format-code table references every writer, xar included; the xar writer emits XML through
 * libxml2.  Linking the real libxml2 brings ICU and libstdc++ with it and costs every skiff
 * command ~4 ms of dynamic loading.  skiff never writes xar archives (it only selects the pax
 * and raw/tar formats by their own functions), so these are never reached; if one ever is, it
 * aborts loudly instead of writing a corrupt archive. */

#include <stdio.h>
#include <stdlib.h>

#define XAR_WRITER_STUB(name)                                                                      \
  void name (void);                                                                                \
  void name (void)                                                                                 \
  {                                                                                                \
    fputs ("skiff: internal error: libxml2 " #name " called (xar output is not supported)\n",      \
           stderr);                                                                                \
    abort ();                                                                                      \
  }

XAR_WRITER_STUB (UTF8Toisolat1)
XAR_WRITER_STUB (xmlBufferCreate)
XAR_WRITER_STUB (xmlBufferFree)
XAR_WRITER_STUB (xmlFreeTextWriter)
XAR_WRITER_STUB (xmlNewTextWriterMemory)
XAR_WRITER_STUB (xmlTextWriterEndDocument)
XAR_WRITER_STUB (xmlTextWriterEndElement)
XAR_WRITER_STUB (xmlTextWriterSetIndent)
XAR_WRITER_STUB (xmlTextWriterStartDocument)
XAR_WRITER_STUB (xmlTextWriterStartElement)
XAR_WRITER_STUB (xmlTextWriterWriteAttribute)
XAR_WRITER_STUB (xmlTextWriterWriteBase64)
XAR_WRITER_STUB (xmlTextWriterWriteFormatAttribute)
XAR_WRITER_STUB (xmlTextWriterWriteString)
