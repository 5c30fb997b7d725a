#!/usr/bin/env python3
"""Checks the module boundaries of src/ against the table in src/README.md.

The table ("## Modules and allowed edges") has one row per module:
    | module | public headers (include/churnwatch/) | may include |
Every #include under src/<module>/ must be
  - a private header of the same module ("<module>/x.h"), or
  - a public header ("churnwatch/x.h", "churnwatch/<module>/x.h") owned by the module itself
    or by a module in its "may include" cell.
A private header of another module, a public header nobody owns, or an undeclared edge is
an error naming the file and line. Exit status 1 on any error.

Usage: check_layering.py SOURCE_DIR
"""
import os
import re
import sys


def read_table(readme):
    rows = {}
    in_section = False
    for line in open(readme, encoding="utf-8"):
        if line.startswith("## "):
            in_section = line.strip() == "## Modules and allowed edges"
            continue
        if not in_section or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("module", "") or set(cells[0]) <= set("-: "):
            continue
        name = cells[0].strip("`")
        headers = [h.strip("`") for h in cells[1].replace(",", " ").split() if h not in ("—", "-")]
        deps = [d.strip("`") for d in cells[2].replace(",", " ").split() if d not in ("—", "-")]
        rows[name] = (headers, deps)
    return rows


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    readme = os.path.join(root, "src", "README.md")
    table = read_table(readme)
    if not table:
        print(f"{readme}: no '## Modules and allowed edges' table found")
        return 1
    owner = {}
    errors = []
    for module, (headers, deps) in table.items():
        for dep in deps:
            if dep not in table:
                errors.append(f"{readme}: module {module} may include unknown module {dep}")
        for h in headers:
            if h.endswith("/"):  # a folder of public headers, e.g. app/
                owner[("dir", h)] = module
            else:
                owner[h] = module
    include_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    src = os.path.join(root, "src")
    for module in sorted(os.listdir(src)):
        folder = os.path.join(src, module)
        if not os.path.isdir(folder):
            continue
        if module not in table:
            errors.append(f"src/{module}/: module not in the table of {readme}")
            continue
        allowed = {module, *table[module][1]}
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.join(folder, name)
            for number, line in enumerate(open(path, encoding="utf-8"), 1):
                m = include_re.match(line)
                if not m:
                    continue
                target = m.group(1)
                where = f"src/{module}/{name}:{number}"
                if target.startswith("churnwatch/"):
                    header = target[len("churnwatch/"):]
                    by = owner.get(header)
                    if by is None and "/" in header:
                        by = owner.get(("dir", header.split("/")[0] + "/"))
                    if by is None:
                        errors.append(f"{where}: {target} is owned by no module; add it to the table in src/README.md")
                    elif by not in allowed:
                        errors.append(f"{where}: {module} includes {target} of {by}, an edge the table in "
                                      f"src/README.md does not allow ({module} may include: "
                                      f"{', '.join(table[module][1]) or 'nothing'})")
                elif "/" in target:
                    other = target.split("/")[0]
                    if other != module:
                        errors.append(f"{where}: {module} includes {target}, a private header of {other}; "
                                      f"use {other}'s public header (include/churnwatch/) or move the code")
    for e in errors:
        print(e)
    if errors:
        print(f"layering: {len(errors)} error(s)")
        return 1
    print(f"layering: {len(table)} modules, every include follows src/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
