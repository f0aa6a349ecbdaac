#!/usr/bin/env python3
"""embed_file.py INPUT OUTPUT NAME - write OUTPUT, a C file that defines
`const unsigned char NAME[]` (INPUT's bytes and a final NUL, so the array
is also a C string) and `const size_t NAME_len` (INPUT's length, without
the NUL), so that a file of the source tree is part of the binary built
from it.  The build runs it (src/http/meson.build embeds docs/openapi.yaml);
standard library only."""
import os
import re
import sys


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: embed_file.py INPUT OUTPUT NAME\n")
        return 2
    src, out, name = argv[1], argv[2], argv[3]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        sys.stderr.write("embed_file.py: '%s' is not a C name\n" % name)
        return 2
    with open(src, "rb") as f:
        data = f.read()
    rel = os.path.basename(src)
    lines = [
        "/*",
        " * %s - made from %s by tools/embed_file.py at build time:"
        % (os.path.basename(out), rel),
        " * edit %s, not this file." % rel,
        " */",
        "#include <stddef.h>",
        "",
        "extern const unsigned char %s[];" % name,
        "extern const size_t %s_len;" % name,
        "",
        "const unsigned char %s[] = {" % name,
    ]
    body = data + b"\0"
    for i in range(0, len(body), 12):
        lines.append("\t" + " ".join("0x%02x," % b for b in body[i:i + 12]))
    lines.append("};")
    lines.append("const size_t %s_len = %d;" % (name, len(data)))
    text = "\n".join(lines) + "\n"
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(text)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
