#!/usr/bin/env python3
"""Adds or updates entries of a .resx file from "English<TAB>Translation" lines on stdin, keeping it sorted.

    scripts/resx.py src/Core/Web/Ui.fr.resx < new-strings.tsv

The console's views use English text as keys (T["Sign in"]); Ui.fr.resx holds the French.
"""
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
"""

def main():
    path = sys.argv[1]
    entries = {}
    try:
        for data in ET.parse(path).getroot().findall("data"):
            entries[data.get("name")] = data.find("value").text or ""
    except FileNotFoundError:
        pass
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        key, value = line.split("\t", 1)
        entries[key] = value
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        for key in sorted(entries, key=str.casefold):
            f.write('  <data name="%s" xml:space="preserve"><value>%s</value></data>\n'
                    % (escape(key, {'"': "&quot;"}), escape(entries[key])))
        f.write("</root>\n")
    print(f"{path}: {len(entries)} entries")

if __name__ == "__main__":
    main()
