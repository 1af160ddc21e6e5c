#!/usr/bin/env python3
"""Inputs for the differential run, hex-encoded, one per line, on stdout.

usage: inputs.py PATH...

Every "uri" string of the JSON files under each PATH (a folder, searched
recursively) and every line of each PATH that is a file (blank lines and
'#' lines skipped), then for each of them: every prefix, every single-byte
deletion, every byte replaced by each of a few bytes that matter to the
parser, the whole string in upper and in lower case, and, when it has
options, its options repeated, upper-cased, and followed by conflicting or
out-of-range ones. A few hand-written edge cases of host names and integers
are added. The set is sorted, so that two runs give the same order.
"""
import json
import os
import sys

INTERESTING = b'%@/?:[],=&;.-_~ \x80\xff0A\x00'
EXTRA = [
    b'mongodb://' + b'a' * 63 + b'.com',
    b'mongodb://' + b'a' * 64 + b'.com',
    b'mongodb://' + b'.'.join([b'a' * 62] * 4),
    b'mongodb://' + b'.'.join([b'a' * 62] * 4) + b'.',
    b'mongodb://' + b'.'.join([b'a' * 63] * 4),
    b'mongodb://h/?maxPoolSize=999999999999999999',
    b'mongodb://h/?maxPoolSize=9999999999999999999',
    b'mongodb://h/?maxPoolSize=-0',
    b'mongodb://h/?maxPoolSize=0000000000000000000000001',
    b'mongodb://h/?timeoutMS=-9223372036854775808',
    b'mongodb://h/?w=00000000000000000001',
    b'mongodb://h:0,h:65535,h:65536,h:099999999999',
]


def fixture_uris(folder, out):
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith('.json'):
                continue
            try:
                with open(os.path.join(root, name), encoding='utf-8') as f:
                    data = json.load(f)
            except (OSError, ValueError):
                continue
            stack = [data]
            while stack:
                x = stack.pop()
                if isinstance(x, dict):
                    for k, v in x.items():
                        if k == 'uri' and isinstance(v, str):
                            out.append(v.encode())
                        else:
                            stack.append(v)
                elif isinstance(x, list):
                    stack.extend(x)


def variants(u):
    yield u
    yield u.upper()
    yield u.lower()
    for i in range(len(u) + 1):
        yield u[:i]
    for i in range(len(u)):
        yield u[:i] + u[i + 1:]
        for c in INTERESTING:
            yield u[:i] + bytes([c]) + u[i + 1:]
    if b'?' in u:
        head, query = u.split(b'?', 1)
        yield u + b'&' + query
        yield head + b'?' + query.upper()
        yield u + b'&tls=false&ssl=true'
        yield (u + b'&replicaSet=&w=-1&maxPoolSize=99999999999999999999'
               b'&readPreference=SECONDARYPREFERRED')


def main():
    seeds = []
    for path in sys.argv[1:]:
        if os.path.isdir(path):
            fixture_uris(path, seeds)
        elif os.path.isfile(path):
            with open(path, 'rb') as f:
                seeds.extend(l for l in f.read().split(b'\n') if l and not l.startswith(b'#'))
    out = set(EXTRA)
    for u in dict.fromkeys(seeds):
        out.update(variants(u))
    for u in sorted(out):
        sys.stdout.write(u.hex() + '\n')


if __name__ == '__main__':
    main()
