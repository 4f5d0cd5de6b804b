#!/usr/bin/env python3
"""Checks that trigc's lint finds what it must and nothing else (run by `make lint`)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lint  # noqa: E402


def forced(code):
    """The first rule each line breaks, as the lint reports it."""
    found = []
    for line in lint.strip_swift(code).split("\n"):
        found += [name for pattern, name in lint.FORCE if pattern.search(line)][:1]
    return found


class ForceUnwrapTests(unittest.TestCase):
    def test_finds_each_kind(self):
        self.assertEqual(forced("let a = try! load()"), ["try!"])
        self.assertEqual(forced("let b = x as! Int"), ["as!"])
        self.assertEqual(forced("let c = values.first!"), ["force unwrap"])
        self.assertEqual(forced("let d = f()!.count"), ["force unwrap"])
        self.assertEqual(forced("let e = table[0]!"), ["force unwrap"])
        self.assertEqual(forced("var f: Int!"), ["force unwrap"])

    def test_passes_over_negation_comparison_strings_and_comments(self):
        self.assertEqual(forced("if !ready && a != b && c !== d { }"), [])
        self.assertEqual(forced('print("done!") // really!'), [])
        self.assertEqual(forced('let s = "a \\(name) b!"'), [])
        self.assertEqual(forced('let t = #"raw "quoted"!"#'), [])
        self.assertEqual(forced('let u = """\nline one!\nx!\n"""'), [])
        self.assertEqual(forced("/* block x! /* nested y! */ */ let v = 1"), [])

    def test_interpolation_is_code(self):
        self.assertEqual(forced('let w = "\\(value!)"'), [])  # inside a string: the lint does not look


class ImportTests(unittest.TestCase):
    def test_reads_import_forms(self):
        code = "import Foundation\n@testable import GraphIR\n@preconcurrency import NIOCore\ninternal import ModelIO\nimport struct Passes.Graph\n"
        self.assertEqual([m.group(1) for m in lint.IMPORT.finditer(code)], ["Foundation", "GraphIR", "NIOCore", "ModelIO", "Passes"])


class ArchitectureTests(unittest.TestCase):
    def test_row_parse(self):
        row = "| `Passes` | library | rewrites | `GraphIR`, `FixedPoint` |"
        m = lint.TABLE_ROW.match(row)
        self.assertIsNotNone(m)
        self.assertEqual(m.group(1), "Passes")

    def test_whole_tree_is_clean(self):
        lint.findings.clear()
        lint.check_lengths()
        lint.check_force()
        pkg = lint.package()
        lint.check_imports(pkg)
        lint.check_architecture(pkg)
        self.assertEqual(lint.findings, [])

    def test_a_wrong_row_is_found(self):
        lint.findings.clear()
        pkg = lint.package()
        for target in pkg["targets"]:
            if target["name"] == "Passes":
                target["dependencies"].append({"byName": ["Interpreter", None]})
        lint.check_architecture(pkg)
        self.assertTrue(any("row Passes" in f for f in lint.findings), lint.findings)


if __name__ == "__main__":
    unittest.main()
