#!/usr/bin/python3
"""check-install-closure.py BUILD_DIR [BUILD_DIR ...] --installer SCRIPT [--installer SCRIPT ...]

Answers: would a minimal Debian 12 (debootstrap --variant=minbase) plus the
project's installers hold every Debian package that the build and the tests
used on this machine?

What counts as used:
  * every system header a compile read (the compilers' dependency files, *.d,
    under each BUILD_DIR);
  * every shared library a built ELF file (program, library, extension module)
    loads, as ldd resolves it;
  * every program a CTest test starts (the first word of each test command,
    and any absolute /usr or /bin path among its arguments);
  * every Python module the project's Python sources import (python/,
    examples/, tests/ *.py), as /usr/bin/python3 resolves it.

Each used file is mapped to the package that owns it (dpkg -S). A package is
covered when an installer names it, or when the installers' packages pull it
in through Depends/Pre-Depends (recursively), or when it belongs to a minbase
system (Essential: yes or Priority: required). Prints each uncovered package
with one file that needed it; exit status 1 if there is any, 0 otherwise,
2 when it cannot judge (no build evidence, no package lists).
"""
import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys

PACKAGE_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")
SYSTEM_PREFIXES = ("/usr/", "/lib/", "/lib64/", "/bin/", "/sbin/", "/opt/", "/etc/")


def output_of(command):
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout


def is_elf(path):
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def headers_and_libraries(build_dir, project_root):
    """System headers from dependency files; shared libraries of built ELF files."""
    headers, libraries = {}, {}
    for folder, _, names in os.walk(build_dir):
        for name in names:
            path = os.path.join(folder, name)
            if name.endswith(".d"):
                with open(path, errors="replace") as handle:
                    for token in handle.read().replace("\\\n", " ").split():
                        if token.startswith(SYSTEM_PREFIXES):
                            headers.setdefault(os.path.normpath(token), path)
            elif (os.access(path, os.X_OK) or ".so" in name) and is_elf(path):
                for line in output_of(["ldd", path]).splitlines():
                    found = re.search(r"=>\s+(/\S+)", line)
                    if found and not os.path.realpath(found.group(1)).startswith(project_root):
                        libraries.setdefault(found.group(1), path)
    return headers, libraries


def test_programs(build_dir):
    programs = {}
    listing = output_of(["ctest", "--test-dir", build_dir, "--show-only=json-v1"])
    try:
        tests = json.loads(listing).get("tests", [])
    except json.JSONDecodeError:
        return programs
    for test in tests:
        command = test.get("command") or []
        if not command:
            continue
        first = command[0] if os.path.isabs(command[0]) else shutil.which(command[0])
        for word in [first] + command[1:]:
            if word and word.startswith(SYSTEM_PREFIXES) and os.path.exists(word):
                programs.setdefault(word, "test " + test.get("name", "?"))
    return programs


def programs_named_in_tests(project_root):
    """Absolute program paths spelled out in test sources (run by a test, not by CTest)."""
    programs = {}
    pattern = re.compile(r'"((?:/usr)?/s?bin/[A-Za-z0-9_.+-]+)')
    for folder, _, names in os.walk(os.path.join(project_root, "tests")):
        for name in names:
            if not name.endswith((".cpp", ".hpp", ".py", ".cmake", ".txt", ".sh")):
                continue
            source = os.path.join(folder, name)
            for program in pattern.findall(open(source, errors="replace").read()):
                if os.path.exists(program):
                    programs.setdefault(program, "named in " + source)
    return programs


def python_sources(project_root):
    for top in ("python", "examples", "tests"):
        for folder, _, names in os.walk(os.path.join(project_root, top)):
            for name in names:
                if name.endswith(".py"):
                    yield os.path.join(folder, name)


def imported_modules(project_root):
    modules = {}
    for source in python_sources(project_root):
        try:
            tree = ast.parse(open(source, encoding="utf-8").read(), source)
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                modules.setdefault(name.split(".")[0], source)
    return modules


def module_files(modules):
    """Where /usr/bin/python3 finds each top-level module (absent ones are skipped)."""
    if not modules or not os.path.exists("/usr/bin/python3"):
        return {}
    probe = ("import importlib.util, json, sys\n"
             "found = {}\n"
             "for name in sys.argv[1:]:\n"
             "    try:\n"
             "        spec = importlib.util.find_spec(name)\n"
             "    except (ImportError, ValueError):\n"
             "        continue\n"
             "    if spec and spec.origin and spec.origin.startswith('/'):\n"
             "        found[name] = spec.origin\n"
             "print(json.dumps(found))\n")
    text = output_of(["/usr/bin/python3", "-c", probe, *sorted(modules)])
    try:
        origins = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return {origin: "import " + name + " in " + modules[name] for name, origin in origins.items()
            if origin.startswith(SYSTEM_PREFIXES)}


def owning_packages(paths):
    """dpkg -S for each path, trying the /usr-merged spelling too."""
    owners = {}
    candidates = {}
    for path in paths:
        spellings = {path, os.path.realpath(path)}
        for spelling in list(spellings):
            for merged, plain in (("/usr/lib/", "/lib/"), ("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/")):
                if spelling.startswith(merged):
                    spellings.add(plain + spelling[len(merged):])
                elif spelling.startswith(plain):
                    spellings.add(merged + spelling[len(plain):])
        for spelling in spellings:
            candidates.setdefault(spelling, set()).add(path)
    queries = sorted(candidates)
    for start in range(0, len(queries), 300):
        for line in output_of(["dpkg", "-S", *queries[start:start + 300]]).splitlines():
            if ": " not in line or line.startswith("diversion"):
                continue
            packages, owned = line.split(": ", 1)
            for path in candidates.get(owned.strip(), ()):
                owners.setdefault(path, packages.split(",")[0].strip().split(":")[0])
    return owners


def named_packages(installers):
    """Words inside the installers' bash arrays (`packages=( ... )`), comments
    left out, that apt-cache knows as packages."""
    words = set()
    for installer in installers:
        code = "\n".join(line.split("#", 1)[0] for line in open(installer))
        for array in re.findall(r"=\(([^)]*)\)", code):
            words |= set(PACKAGE_NAME.findall(array))
    known = set()
    for line in output_of(["apt-cache", "show", "--no-all-versions", *sorted(words)]).splitlines():
        if line.startswith("Package: "):
            known.add(line.split()[1])
    return known


def dependency_closure(packages):
    closure = set(packages)
    listing = output_of(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                         "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances",
                         *sorted(packages)])
    for line in listing.splitlines():
        name = line.strip().lstrip("|")
        if ":" in name:
            kind, name = name.split(":", 1)
            if kind.strip() not in ("Depends", "PreDepends"):
                continue
        name = name.strip().strip("<>").split(":")[0]
        if PACKAGE_NAME.fullmatch(name):
            closure.add(name)
    return closure


def minbase_packages():
    """Essential or Priority: required, as far as this machine's dpkg knows them."""
    base = set()
    for line in output_of(["dpkg-query", "-W", "-f=${Package} ${Essential} ${Priority}\n"]).splitlines():
        fields = line.split()
        if len(fields) >= 2 and ("yes" in fields[1:] or fields[-1] == "required"):
            base.add(fields[0])
    return base


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("build_dirs", nargs="+")
    parser.add_argument("--installer", action="append", required=True)
    arguments = parser.parse_args()
    project_root = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))

    used = {}
    counts = {"headers": 0, "libraries": 0, "programs": 0, "modules": 0}
    for build_dir in arguments.build_dirs:
        if not os.path.isdir(build_dir):
            print(f"check-install-closure: {build_dir} is not a build directory")
            return 2
        headers, libraries = headers_and_libraries(build_dir, project_root)
        programs = test_programs(build_dir)
        counts["headers"] += len(headers)
        counts["libraries"] += len(libraries)
        counts["programs"] += len(programs)
        for kind, found in (("header", headers), ("library", libraries), ("program", programs)):
            for path, source in found.items():
                used.setdefault(path, f"{kind} {path} ({source})")
    for path, source in programs_named_in_tests(project_root).items():
        counts["programs"] += path not in used
        used.setdefault(path, f"program {path} ({source})")
    modules = module_files(imported_modules(project_root))
    counts["modules"] = len(modules)
    for path, source in modules.items():
        used.setdefault(path, f"module {path} ({source})")
    if not used:
        print("check-install-closure: no evidence of use found (build the project first)")
        return 2

    needed = {}
    for path, package in owning_packages(used).items():
        needed.setdefault(package, used[path])
    named = named_packages(arguments.installer)
    if not named:
        print("check-install-closure: apt-cache knows none of the installers' packages "
              "(empty package lists? run apt-get update)")
        return 2
    covered = dependency_closure(named) | minbase_packages()
    missing = {package: why for package, why in needed.items() if package not in covered}
    print(f"check-install-closure: {counts['headers']} system headers, {counts['libraries']} shared "
          f"libraries, {counts['programs']} test programs, {counts['modules']} Python modules; "
          f"{len(needed)} packages used, {len(named)} named by the installers")
    for package, why in sorted(missing.items()):
        print(f"  not installed by the installers: {package}  (needed for {why})")
    if missing:
        print(f"check-install-closure: {len(missing)} package(s) a fresh Debian 12 would lack")
        return 1
    print("check-install-closure: every package used is installed by the installers or the minimal base")
    return 0


if __name__ == "__main__":
    sys.exit(main())
