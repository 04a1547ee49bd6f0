#!/usr/bin/python3
"""Lists every function longer than 120 lines and every source file longer
than 600 lines in lib/, mpi/ and apps/ (issue 16, item 5).

Usage: /usr/bin/python3 scripts/check-code-shape.py [--max-function-lines N]
           [--max-file-lines N] [directory ...]

Exit 0 when nothing is over a limit, 1 with the list otherwise, 2 on a usage
error. A function's length counts the lines from the first line of its
declaration (template header included) to its closing brace. The scan is a
brace matcher over the text with comments, string and character literals and
preprocessor lines blanked out; it needs nothing beyond Python 3.
"""

import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".cpp", ".cc", ".cxx", ".hpp", ".h", ".hh", ".ipp", ".inl")
DEFAULT_DIRECTORIES = ("lib", "mpi", "apps")
KEYWORDS_BEFORE_PARENTHESIS = {"if", "for", "while", "switch", "catch", "return", "sizeof",
                               "decltype", "alignof", "noexcept", "static_assert", "requires"}


def blank_out(text):
    """The text with comments, literals and preprocessor lines replaced by
    spaces (newlines kept, so offsets and line numbers stay the same)."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True

    def blank(start, end):
        for j in range(start, end):
            if out[j] != "\n":
                out[j] = " "

    while i < n:
        c = text[i]
        if c == "\n":
            at_line_start = True
            i += 1
            continue
        if at_line_start and c in " \t":
            i += 1
            continue
        if at_line_start and c == "#":  # a preprocessor line and its continuations
            j = i
            while j < n and not (text[j] == "\n" and text[j - 1] != "\\"):
                j += 1
            blank(i, j)
            i = j
            continue
        at_line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
                                                      or text[i - 1] in "uUL8"):
            open_paren = text.find("(", i + 2)
            delimiter = text[i + 2:open_paren]
            j = text.find(")" + delimiter + '"', open_paren)
            j = n if j < 0 else j + len(delimiter) + 2
            blank(i + 1, j)
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator 1'000
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, min(j, n))
            i = j + 1
        else:
            i += 1
    return "".join(out)


FUNCTION_END = re.compile(
    r"\)\s*(?:const|volatile|noexcept\s*(?:\([^()]*\))?|override|final|mutable|&&?|\s)*"
    r"(?:->[^;{}]*)?$")
CONSTRUCTOR_INIT = re.compile(r"\)\s*(?:noexcept\s*)?:(?!:)")
ACCESS_SPECIFIER = re.compile(r"^\s*(?:public|private|protected)\s*:(?!:)")


def classify(header):
    """'namespace', 'class', 'function' or 'expression' for a brace opened at
    namespace or class scope after `header` (the statement so far)."""
    h = ACCESS_SPECIFIER.sub("", header).strip()
    h_no_template = re.sub(r"^template\s*<.*?>\s*", "", h, flags=re.S)
    if re.match(r"^(?:inline\s+)?namespace\b", h) or re.match(r"^extern\b", h):
        return "namespace"
    if re.match(r"^(?:typedef\s+)?(?:class|struct|union|enum)\b", h_no_template) \
            and "(" not in h_no_template.split("{")[0].split(":")[0]:
        return "class"
    if FUNCTION_END.search(h):
        return "function"
    if CONSTRUCTOR_INIT.search(h) and re.search(r"[)}]\s*$", h):
        return "function"
    return "expression"


def function_name(header):
    h = ACCESS_SPECIFIER.sub("", header)
    for match in re.finditer(r"((?:[\w~]+::)*(?:operator\s*[^\s(]+|~?\w+))\s*(?:<[^()]*>)?\s*\(", h):
        name = match.group(1)
        if name not in KEYWORDS_BEFORE_PARENTHESIS and not name.startswith("template"):
            return name
    return " ".join(h.split())[:80]


def long_functions(path, max_lines):
    """(line, name, length) of every function of `path` over max_lines."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = blank_out(f.read())
    found = []
    stack = []  # kinds of the open braces
    statement_start = 0
    function_start = None
    line_of = lambda offset: text.count("\n", 0, offset) + 1
    for i, c in enumerate(text):
        inside_function = "function" in stack
        if c == ";" and not inside_function and (not stack or stack[-1] != "expression"):
            statement_start = i + 1
        elif c == "{":
            if inside_function or (stack and stack[-1] == "expression"):
                stack.append("block")
                continue
            kind = classify(text[statement_start:i])
            stack.append(kind)
            if kind == "function":
                header = text[statement_start:i]
                offset = statement_start + (len(header) - len(header.lstrip()))
                access = ACCESS_SPECIFIER.match(header)
                if access:
                    rest = header[access.end():]
                    offset = statement_start + access.end() + (len(rest) - len(rest.lstrip()))
                function_start = (offset, function_name(header))
            elif kind in ("namespace", "class"):
                statement_start = i + 1
        elif c == "}":
            if not stack:
                continue
            kind = stack.pop()
            if kind == "function":
                start, name = function_start
                first, last = line_of(start), line_of(i)
                if last - first + 1 > max_lines:
                    found.append((first, name, last - first + 1))
                statement_start = i + 1
            elif kind in ("namespace", "class"):
                statement_start = i + 1
    return found


def source_files(directories):
    for directory in directories:
        for root, dirs, files in os.walk(directory):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.join(root, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directories", nargs="*", default=None,
                        help="folders to scan (default: lib mpi apps of the repository)")
    parser.add_argument("--max-function-lines", type=int, default=120)
    parser.add_argument("--max-file-lines", type=int, default=600)
    args = parser.parse_args()
    if args.directories:
        directories = args.directories
    else:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        os.chdir(root)
        directories = list(DEFAULT_DIRECTORIES)
    for directory in directories:
        if not os.path.isdir(directory):
            print(f"check-code-shape: '{directory}' is not a directory", file=sys.stderr)
            return 2

    long_files, functions = [], []
    for path in source_files(directories):
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = sum(1 for _ in f)
        if lines > args.max_file_lines:
            long_files.append((path, lines))
        for line, name, length in long_functions(path, args.max_function_lines):
            functions.append((path, line, name, length))

    for path, lines in long_files:
        print(f"{path}: file of {lines} lines (limit {args.max_file_lines})")
    for path, line, name, length in functions:
        print(f"{path}:{line}: function {name} of {length} lines (limit {args.max_function_lines})")
    if long_files or functions:
        print(f"check-code-shape: {len(long_files)} file(s) over {args.max_file_lines} lines, "
              f"{len(functions)} function(s) over {args.max_function_lines} lines")
        return 1
    print(f"check-code-shape: no file over {args.max_file_lines} lines, "
          f"no function over {args.max_function_lines} lines in {', '.join(directories)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
