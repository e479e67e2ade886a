#!/usr/bin/env python3
"""layers/back_includes_do_not_compile: the layering of docs/architecture.md,
asked of the C++ compiler. For every layer of compiler/ and runtime/, with
the include directory its library compiles with (build/<part>/layers/<layer>),
each header of each other layer must be reachable exactly when that layer is
below it in the picture below; a back-include is "No such file". The
compiler's layers also compile with streamc_text's view of the runtime
(build/runtime/layers/base): of the runtime's layers they reach base only.

Usage: run.py CXX BUILD_DIR SOURCE_DIR"""
import subprocess
import sys
from pathlib import Path

# Each layer and the layers it points at (what it includes and links);
# it sees those and everything below them.
PICTURE = {
    "compiler": {
        "diag": [], "syntax": ["diag"], "sema": ["syntax"], "import": ["sema"], "plan": ["sema"],
        "codegen": ["plan"], "lsp": ["sema"], "driver": ["import", "codegen", "lsp"],
    },
    "runtime": {
        "base": [], "checkpoint": ["base"], "io": ["checkpoint"], "core": ["io"], "ui": ["core"], "app": ["ui"],
    },
}

# What a part's layers see of another part: (that part, its layer whose view
# they compile with). The compiler links streamc_text, whose include
# directory is the runtime's base view.
ALSO_SEES = {"compiler": ("runtime", "base")}


def below(graph, layer):
    seen, pending = set(), [layer]
    while pending:
        for dep in graph[pending.pop()]:
            if dep not in seen:
                seen.add(dep)
                pending.append(dep)
    return seen


def main():
    cxx, build, source = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    failures, checked = [], 0
    headers = {}  # (part, layer) -> one header of it
    for part, graph in PICTURE.items():
        on_disk = sorted(p.name for p in (source / part).iterdir() if p.is_dir() and p.name in graph)
        if on_disk != sorted(graph):
            failures.append(f"{part}/: layers on disk {on_disk}, in the picture {sorted(graph)}")
        for layer in graph:
            found = sorted((source / part / layer).glob("*.hpp"))
            if found:
                headers[part, layer] = found[0].name
    for part, graph in PICTURE.items():
        other_part, other_view = ALSO_SEES.get(part, (None, None))
        for layer in graph:
            views = [build / part / "layers" / layer]
            visible = {(part, o) for o in below(graph, layer) | {layer}}
            if other_part:
                views.append(build / other_part / "layers" / other_view)
                other_graph = PICTURE[other_part]
                visible |= {(other_part, o) for o in below(other_graph, other_view) | {other_view}}
            # (No layer of one part is named as one of the other's.)
            probes = sorted((p, o, h) for (p, o), h in headers.items() if p in (part, other_part))
            text = "".join(f'#if __has_include("{o}/{h}")\nREACHABLE {o}\n#else\nMISSING {o}\n#endif\n' for _, o, h in probes)
            includes = [arg for view in views for arg in ("-I", str(view))]
            r = subprocess.run([cxx, "-E", "-P", "-nostdinc", *includes, "-x", "c++", "-"], input=text,
                               capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"{part}/{layer}: the preprocessor failed: {r.stderr.strip()}")
                continue
            seen = {line.split()[1] for line in r.stdout.splitlines() if line.startswith("REACHABLE")}
            for owner, other, header in probes:
                checked += 1
                want = (owner, other) in visible
                if (other in seen) != want:
                    failures.append(f'{part}/{layer}: #include "{other}/{header}" '
                                    f'{"is not found" if want else "compiles, but " + other + " is not below " + layer}')
    for f in failures:
        print("FAIL", f)
    print(f"layers: {checked} includes checked, {len(failures)} wrong")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
