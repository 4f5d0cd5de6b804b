#!/usr/bin/env python3
"""trigc's lint (`make lint`, run by `make test`): the rules a reviewer should not have to check.

1. Every hand-written source file stays under 400 lines (generated code is exempt).
2. No `try!`, `as!` or force unwrap (`x!`, `T!`) in Sources/: a bad file or a surprise
   must become a sentence, never a trap.
3. Package.swift declares for each target exactly the modules its files import.
4. Docs/Architecture.md's table of targets matches Package.swift (names and dependencies).

Prints one line per finding, `path:line: rule: detail`, and exits 1 when there is any.
"""
import json
import os
import re
import subprocess
import sys

MAX_LINES = 400
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Hand-written code: every file with these endings under these folders.
CODE_DIRS = ["Sources", "Tests", "Benchmarks", "Fuzz", "Tools", "Kernels", "HDL"]
CODE_ENDINGS = (".swift", ".c", ".h", ".cl", ".py", ".sh", ".cpp", ".v", ".mk")
# Generated (rewritten whole by a tool) or data that only looks like code.
EXEMPT_PARTS = ["/Generated/", "/Golden/", "/Fixtures/", "/corpus/", "/.venv"]
# Modules that come with the toolchain or the OS, not from Package.swift.
SYSTEM_MODULES = {
    "Foundation", "FoundationEssentials", "Glibc", "Darwin", "Dispatch", "Synchronization",
    "XCTest", "Testing", "Musl", "os", "_Concurrency", "PackageDescription", "FoundationXML",
    "FoundationNetworking",
}

findings = []


def report(path, line, rule, detail):
    findings.append(f"{os.path.relpath(path, ROOT)}:{line}: {rule}: {detail}")


def code_files(dirs, endings, exempt=EXEMPT_PARTS):
    for top in dirs:
        for base, subdirs, files in os.walk(os.path.join(ROOT, top)):
            subdirs[:] = [d for d in subdirs if not d.startswith(".")]
            for name in sorted(files):
                path = os.path.join(base, name)
                if name.endswith(endings) and not any(p in path + "/" for p in exempt):
                    yield path


def strip_swift(text):
    """The Swift code with comments and string literals blanked, newlines kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text[i] == '"' or text.startswith('#"', i):
            i = skip_string(text, i, out)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def skip_string(text, i, out):
    """Skips a string literal starting at i (raw, multi-line and interpolated), keeping newlines."""
    hashes = 0
    while text[i] == "#":
        hashes, i = hashes + 1, i + 1
    quote = '"""' if text.startswith('"""', i) else '"'
    close = quote + "#" * hashes
    j = i + len(quote)
    depth = 0
    while j < len(text):
        if text[j] == "\\" and text.startswith("#" * hashes, j + 1):
            k = j + 1 + hashes
            if k < len(text) and text[k] == "(":
                depth, j = depth + 1, k + 1
                continue
            j = k + 1
            continue
        if depth:
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
            j += 1
            continue
        if text.startswith(close, j):
            j += len(close)
            break
        j += 1
    out.append('""' + "\n" * text.count("\n", i, j))
    return j


FORCE = [
    (re.compile(r"\btry!"), "try!"),
    (re.compile(r"\bas!"), "as!"),
    (re.compile(r"(?<=[\w\)\]])!(?![=])"), "force unwrap"),
]


def check_lengths():
    for path in code_files(CODE_DIRS, CODE_ENDINGS):
        with open(path, encoding="utf-8", errors="replace") as f:
            count = sum(1 for _ in f)
        if count >= MAX_LINES:
            report(path, count, "length", f"{count} lines (keep files under {MAX_LINES}: split by concern)")


def check_force():
    for path in code_files(["Sources"], (".swift",)):
        if any(p in path for p in EXEMPT_PARTS):
            continue
        with open(path, encoding="utf-8") as f:
            code = strip_swift(f.read())
        for number, line in enumerate(code.split("\n"), 1):
            for pattern, name in FORCE:
                if pattern.search(line):
                    report(path, number, "force", f"{name} in `{line.strip()}`")
                    break


IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|package|private|fileprivate)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_]\w*)", re.M)


def package():
    # A scratch path of its own: dump-package then never waits on a build's lock on .build.
    dump = subprocess.run(["swift", "package", "--scratch-path", os.path.join(ROOT, ".build", "lint"), "dump-package"],
                          cwd=ROOT, capture_output=True, text=True)
    if dump.returncode != 0:
        sys.exit(f"lint: swift package dump-package failed: {dump.stderr.strip()}")
    return json.loads(dump.stdout)


def target_dir(target):
    if target.get("path"):
        return os.path.join(ROOT, target["path"])
    top = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(ROOT, top, target["name"])


def declared(target):
    names = set()
    for dep in target["dependencies"]:
        for kind in ("byName", "target", "product"):
            if kind in dep:
                names.add(dep[kind][0])
    return names


def check_imports(pkg):
    executables = {t["name"] for t in pkg["targets"] if t["type"] == "executable"}
    for target in pkg["targets"]:
        if target["type"] == "system" or is_c(target):
            continue
        root = target_dir(target)
        excluded = [os.path.join(root, e) for e in target.get("exclude", [])]
        imported = {}
        # Generated code imports too: it counts here.
        for path in code_files([os.path.relpath(root, ROOT)], (".swift",), exempt=[]):
            if any(path.startswith(e) for e in excluded):
                continue
            with open(path, encoding="utf-8") as f:
                code = strip_swift(f.read())
            for m in IMPORT.finditer(code):
                module = m.group(1)
                if module not in SYSTEM_MODULES:
                    imported.setdefault(module, path)
        deps = declared(target)
        # A test target may name an executable only to have it built first (CLITests runs trigc).
        deps -= executables & deps if target["type"] == "test" else set()
        for module, path in sorted(imported.items()):
            if module not in deps:
                report(path, 1, "imports", f"target {target['name']} imports {module} without declaring it in Package.swift")
        for dep in sorted(deps - set(imported)):
            report(os.path.join(ROOT, "Package.swift"), 1, "imports",
                   f"target {target['name']} declares {dep} but none of its files imports it")


def is_c(target):
    root = target_dir(target)
    for base, _, files in os.walk(root):
        if any(f.endswith(".swift") for f in files):
            return False
    return True


TABLE_ROW = re.compile(r"^\|\s*`([\w-]+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$")


def check_architecture(pkg):
    path = os.path.join(ROOT, "Docs", "Architecture.md")
    if not os.path.exists(path):
        report(path, 1, "architecture", "Docs/Architecture.md is missing")
        return
    rows = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = TABLE_ROW.match(line)
            if not m and line.startswith("| `"):
                report(path, number, "architecture", "a table row needs four cells: | `target` | kind | owns | imports |")
            if m:
                deps = set(re.findall(r"`([\w-]+)`", m.group(4)))
                rows[m.group(1)] = (number, deps)
    for target in pkg["targets"]:
        name = target["name"]
        if name not in rows:
            report(path, 1, "architecture", f"target {name} has no row in the table")
            continue
        number, deps = rows.pop(name)
        if deps != declared(target):
            want = ", ".join(sorted(declared(target))) or "nothing"
            report(path, number, "architecture", f"row {name} lists other imports than Package.swift ({want})")
    for name, (number, _) in rows.items():
        report(path, number, "architecture", f"row {name} names no target of Package.swift")


def main():
    check_lengths()
    check_force()
    pkg = package()
    check_imports(pkg)
    check_architecture(pkg)
    for line in findings:
        print(line)
    if findings:
        print(f"lint: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print("lint: clean (file lengths, force unwraps, Package.swift imports, Docs/Architecture.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
