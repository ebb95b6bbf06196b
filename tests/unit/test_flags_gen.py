#!/usr/bin/env python3
"""src/cli/flags_gen.py refuses bad input with FILE:LINE: message (and writes nothing).

Usage: test_flags_gen.py FLAGS_GEN.py FLAGS_REFERENCE.tsv"""

import os
import subprocess
import sys
import tempfile
import unittest

GEN = REFERENCE = None
HEADER = "command\tflag\tshort\tvalue\tsource\tstatus\thelp\n"
GOOD = "run\tgpus\t-\tgpu-request\tdocker\tnot-yet\tGPU devices to add\n"


class FlagsGen(unittest.TestCase):
    def generate(self, text):
        with tempfile.TemporaryDirectory() as d:
            src, out = os.path.join(d, "in.tsv"), os.path.join(d, "out.c")
            with open(src, "w") as f:
                f.write(text)
            p = subprocess.run([sys.executable, GEN, src, out], capture_output=True, text=True)
            written = None
            if os.path.exists(out):
                with open(out) as f:
                    written = f.read()
            return p.returncode, p.stderr.replace(src, "in.tsv"), written

    def refused(self, text, message):
        rc, err, written = self.generate(text)
        self.assertEqual(rc, 1, err)
        self.assertEqual(err.strip(), message)
        self.assertIsNone(written)

    def test_the_tree_list_generates(self):
        with open(REFERENCE) as f:
            rc, err, written = self.generate(f.read())
        self.assertEqual(rc, 0, err)
        self.assertIn('SKIFF_OPT_NY ("gpus", 0, "gpu-request",', written)
        self.assertIn('SKIFF_OPT_NY ("watch", \'w\', "uint",', written)

    def test_good_lines(self):
        rc, err, written = self.generate(
            HEADER + "# a comment\n" + GOOD
            + "run\tname\t-\tstring\tboth\timplemented\tAssign a name\n"
            + "tag\t-\t-\t-\tboth\timplemented\tNo flags but --help\n"
            + 'ps\tsize\ts\tbool\tboth\tnot-yet\tSay "hi"\\nand a \\\\\n')
        self.assertEqual(rc, 0, err)
        self.assertNotIn('"name"', written)
        self.assertIn('SKIFF_OPT_NY ("size", \'s\', NULL,\n                "Say \\"hi\\"\\nand a \\\\"),',
                      written)
        self.assertIn("static const struct skiff_opt not_yet_tag[] = {\n  SKIFF_OPT_END,", written)

    def test_header(self):
        self.refused(GOOD, "in.tsv:1: the first line must name the columns: "
                     "command\\tflag\\tshort\\tvalue\\tsource\\tstatus\\thelp")

    def test_malformed_lines(self):
        cases = [
            ("run\tgpus\t-\tgpu-request\tdocker\tnot-yet\n",
             "in.tsv:2: 6 columns, expected 7 (command flag short value source status help), "
             "tab-separated"),
            ("run\t--gpus\t-\tstring\tdocker\tnot-yet\tx\n",
             "in.tsv:2: bad flag '--gpus' (expected a long name without dashes, or \"-\")"),
            ("run\tgpus\tgg\tstring\tdocker\tnot-yet\tx\n",
             "in.tsv:2: bad short 'gg' (expected one letter, or \"-\")"),
            ("run\tgpus\t-\tstring\tmoby\tnot-yet\tx\n",
             "in.tsv:2: bad source 'moby' (expected both | docker | podman | skiff)"),
            ("run\tgpus\t-\tstring\tdocker\tsoon\tx\n",
             "in.tsv:2: bad status 'soon' (expected implemented | not-yet)"),
            ("Run\tgpus\t-\tstring\tdocker\tnot-yet\tx\n",
             "in.tsv:2: bad command 'Run' (\"-\", \"name\" or \"group name\")"),
            ("run\tgpus\t-\tstring\tdocker\tnot-yet\t\n", "in.tsv:2: empty help"),
            ("run\tgpus\t-\tstring\tdocker\tnot-yet\ta\\tb\n",
             "in.tsv:2: help has an unknown escape \\t (only \\n and \\\\)"),
            ("run\tgpus\t-\t-\tdocker\tnot-yet\tx\n",
             "in.tsv:2: bad value '-' for --gpus (\"bool\" for none)"),
            ("\n", "in.tsv:2: empty line (comments start with '#')"),
        ]
        for line, message in cases:
            with self.subTest(line=line):
                self.refused(HEADER + line, message)

    def test_duplicate_flag(self):
        self.refused(HEADER + GOOD + "run\tgpus\t-\tstring\tpodman\tnot-yet\tx\n",
                     "in.tsv:3: \"run\" --gpus is already on line 2")

    def test_short_letter_twice(self):
        self.refused(HEADER + "rm\tlink\tl\tbool\tdocker\tnot-yet\tx\n"
                     + "rm\tlatest\tl\tbool\tpodman\tnot-yet\ty\n",
                     "in.tsv:3: \"rm\": -l is already --link's (line 2)")

    def test_no_flags_line_alone(self):
        self.refused(HEADER + "tag\t-\t-\t-\tboth\timplemented\tnone\n"
                     + "tag\tall\ta\tbool\tpodman\tnot-yet\tx\n",
                     "in.tsv:2: \"tag\" has flags, so no \"-\" line")


if __name__ == "__main__":
    GEN, REFERENCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
