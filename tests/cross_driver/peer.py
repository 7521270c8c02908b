"""Python side of the cross-driver suite: writes the values of values.json with the official
Python driver, and checks rows another driver wrote against values.json.

Run by tests/cross_driver/main.rs (never by hand in CI), one command per invocation:

    peer.py probe
    peer.py write --host H --port P --protocol 4 --compression lz4 --keyspace KS --values values.json
    peer.py check --host H --port P --protocol 4 --keyspace KS --values values.json --writer rs

`--skip-table T` (repeatable) leaves out a table the node could not create (a DSE-only type on
Apache Cassandra); the Rust side decides that and reports it.

It prints one JSON object on stdout: rows written or checked, combinations it skipped (with the
reason) and failures (row id, column, type, expected and actual renderings). The exit status is
0 unless the helper itself could not run; mismatches are data for the Rust test to report.

Values are compared in a canonical, language-neutral form (floats as IEEE bits, decimals as
unscaled + scale, dates as days, timestamps as milliseconds, durations as months/days/nanos,
inet as packed bytes, geometries as lists of coordinate bits), never through Python's own
equality.
"""

import argparse
import datetime
import decimal
import ipaddress
import json
import struct
import sys
import uuid

EPOCH = datetime.datetime(1970, 1, 1)

# DSE's geometric custom classes, by the kind name the helper uses for them.
GEOMETRY_CLASSES = {
    "org.apache.cassandra.db.marshal.PointType": "point",
    "org.apache.cassandra.db.marshal.LineStringType": "linestring",
    "org.apache.cassandra.db.marshal.PolygonType": "polygon",
}

# Combinations the Python driver cannot render as CQL literals (SimpleStatement with %s
# parameters, interpolated client-side by cassandra.encoder.Encoder).
LITERAL_UNSUPPORTED = {
    "decimal": "Encoder.cql_encode_decimal renders a Decimal through float(), losing digits and scale",
    "tuple": "Encoder renders a Python tuple as a list literal [...] (encoder.py: 'TODO: change to tuple "
    "in next major'), which Cassandra refuses for tuple columns",
}


def probe():
    try:
        import cassandra  # noqa: F401
    except ImportError as e:
        print(json.dumps({"ok": False, "error": str(e)}))
        return 0
    print(json.dumps({"ok": True, "version": cassandra.__version__}))
    return 0


# ---------------------------------------------------------------- types


def parse_type(text, udts):
    """Parses a CQL type string into {'kind', 'args'} (frozen<> dropped, UDTs resolved)."""
    pos = 0

    def ident():
        nonlocal pos
        start = pos
        while pos < len(text) and (text[pos].isalnum() or text[pos] == "_"):
            pos += 1
        return text[start:pos]

    def skip_ws():
        nonlocal pos
        while pos < len(text) and text[pos] == " ":
            pos += 1

    def one():
        nonlocal pos
        skip_ws()
        if text[pos] == "'":
            # A custom class, qualified with Cassandra's marshal package as the node does.
            end = text.index("'", pos + 1)
            cls = text[pos + 1:end]
            pos = end + 1
            if "." not in cls:
                cls = "org.apache.cassandra.db.marshal." + cls
            return {"kind": GEOMETRY_CLASSES.get(cls, "custom"), "args": [], "class": cls}
        name = ident().lower()
        skip_ws()
        args = []
        if pos < len(text) and text[pos] == "<":
            pos += 1
            while True:
                skip_ws()
                if text[pos].isdigit():
                    args.append(int(ident()))
                else:
                    args.append(one())
                skip_ws()
                if text[pos] == ",":
                    pos += 1
                    continue
                if text[pos] == ">":
                    pos += 1
                    break
                raise ValueError(f"bad type {text!r} at {pos}")
        if name == "frozen":
            return args[0]
        if name in udts:
            fields = [(f, parse_type(t, udts)) for f, t in udts[name]]
            return {"kind": "udt", "name": name, "fields": fields}
        return {"kind": name, "args": args}

    return one()


INTS = {"tinyint", "smallint", "int", "bigint", "counter", "varint"}


def expand_text(v):
    if isinstance(v, dict):
        return v["repeat"] * v["times"]
    return v


def expand_blob(v):
    if "hex" in v:
        return bytes.fromhex(v["hex"])
    if v.get("generate") == "affine":
        return bytes((i * v["mul"] + v["add"]) % 256 for i in range(v["len"]))
    raise ValueError(f"unknown blob notation {v!r}")


NAN_BITS = struct.pack(">d", float("nan")).hex()


def coordinate_bits(c):
    """A coordinate of the notation (a JSON number or {"bits"}) as its IEEE bits."""
    if isinstance(c, dict):
        return c["bits"]
    return struct.pack(">d", float(c)).hex()


def coordinate_value(c):
    return struct.unpack(">d", bytes.fromhex(coordinate_bits(c)))[0]


def canon_point(v):
    """`[x, y]` as bits; "empty" (POINT EMPTY) is NaN NaN, as the drivers encode it."""
    if v == "empty":
        return [NAN_BITS, NAN_BITS]
    return [coordinate_bits(v[0]), coordinate_bits(v[1])]


def py_point_bits(x, y):
    return [struct.pack(">d", x).hex(), struct.pack(">d", y).hex()]


def canon(t, v):
    """The canonical form of a values.json notation `v` of type `t`."""
    if v is None:
        return None
    k = t["kind"]
    if k == "point":
        return canon_point(v)
    if k == "linestring":
        return [canon_point(p) for p in v]
    if k == "polygon":
        return [[canon_point(p) for p in ring] for ring in v]
    if k in ("ascii", "text", "varchar"):
        return expand_text(v)
    if k in INTS:
        return str(int(v))
    if k in ("float", "double", "boolean", "date", "time", "timestamp"):
        return v["bits"] if k in ("float", "double") else v
    if k == "decimal":
        return [str(int(v["unscaled"])), v["scale"]]
    if k == "blob":
        return expand_blob(v).hex()
    if k == "duration":
        return [v["months"], v["days"], v["nanos"]]
    if k == "inet":
        return ipaddress.ip_address(v).packed.hex()
    if k in ("uuid", "timeuuid"):
        return str(uuid.UUID(v))
    if k in ("list", "set"):
        return [canon(t["args"][0], e) for e in v]
    if k == "vector":
        return [canon(t["args"][0], e) for e in v]
    if k == "map":
        return [[canon(t["args"][0], a), canon(t["args"][1], b)] for a, b in v]
    if k == "tuple":
        return [canon(st, e) for st, e in zip(t["args"], v)]
    if k == "udt":
        return [[f, canon(ft, v.get(f))] for f, ft in t["fields"]]
    raise ValueError(f"unsupported type {k}")


def from_py(t, v):
    """The canonical form of a value the Python driver decoded."""
    if v is None:
        return None
    k = t["kind"]
    if k == "point":
        return py_point_bits(v.x, v.y)
    if k == "linestring":
        return [py_point_bits(x, y) for x, y in v.coords]
    if k == "polygon":
        if not v.exterior.coords:
            return []
        rings = [v.exterior] + list(v.interiors)
        return [[py_point_bits(x, y) for x, y in ring.coords] for ring in rings]
    if k in ("ascii", "text", "varchar", "boolean"):
        return v
    if k in INTS:
        return str(int(v))
    if k == "float":
        return struct.pack(">f", v).hex()
    if k == "double":
        return struct.pack(">d", v).hex()
    if k == "decimal":
        sign, digits, exp = v.as_tuple()
        unscaled = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
        return [str(unscaled), -exp]
    if k == "blob":
        return bytes(v).hex()
    if k == "date":
        return v.days_from_epoch
    if k == "time":
        return v.nanosecond_time
    if k == "timestamp":
        # The driver decodes through a float of seconds; round back to the millisecond.
        d = v.replace(tzinfo=None) - EPOCH
        return d.days * 86_400_000 + d.seconds * 1000 + round(d.microseconds / 1000)
    if k == "duration":
        return [v.months, v.days, v.nanoseconds]
    if k == "inet":
        return ipaddress.ip_address(v).packed.hex()
    if k in ("uuid", "timeuuid"):
        return str(v)
    if k in ("list", "set", "vector"):
        return [from_py(t["args"][0], e) for e in v]
    if k == "map":
        return [[from_py(t["args"][0], a), from_py(t["args"][1], b)] for a, b in v.items()]
    if k == "tuple":
        return [from_py(st, e) for st, e in zip(t["args"], v)]
    if k == "udt":
        return [[f, from_py(ft, getattr(v, f, None))] for f, ft in t["fields"]]
    raise ValueError(f"unsupported type {k}")


class HashableList(list):
    """A list usable as a set element (frozen<list> inside a set); rendered as a CQL list."""

    def __hash__(self):
        return hash(tuple(self))


class WireOrderSet(list):
    """A set sent in a chosen element order (the driver serializes any iterable in iteration
    order); the suite sends sets in reverse order so the node has to sort them."""

    def __hash__(self):
        return hash(tuple(self))


def to_py(t, v, udt_classes, as_given=False):
    """The Python driver value for notation `v` of type `t`.

    Sets and maps go in reverse order so that the node has to sort them, except inside a tuple
    or UDT (`as_given`): Cassandra only validates a bound tuple or UDT and stores its bytes as
    sent, so there they go in the (sorted) order the file gives."""
    from cassandra.util import Date, Duration, LineString, Point, Polygon, Time

    if v is None:
        return None
    k = t["kind"]
    if k == "point":
        return Point() if v == "empty" else Point(coordinate_value(v[0]), coordinate_value(v[1]))
    if k == "linestring":
        return LineString([(coordinate_value(x), coordinate_value(y)) for x, y in v])
    if k == "polygon":
        rings = [[(coordinate_value(x), coordinate_value(y)) for x, y in ring] for ring in v]
        return Polygon(exterior=rings[0], interiors=rings[1:]) if rings else Polygon()
    if k in ("ascii", "text", "varchar"):
        return expand_text(v)
    if k in INTS:
        return int(v)
    if k == "boolean":
        return v
    if k == "float":
        return struct.unpack(">f", bytes.fromhex(v["bits"]))[0]
    if k == "double":
        return struct.unpack(">d", bytes.fromhex(v["bits"]))[0]
    if k == "decimal":
        u = int(v["unscaled"])
        digits = tuple(int(c) for c in str(abs(u)))
        return decimal.Decimal((1 if u < 0 else 0, digits, -v["scale"]))
    if k == "blob":
        return expand_blob(v)
    if k == "date":
        return Date(v)
    if k == "time":
        return Time(v)
    if k == "timestamp":
        return EPOCH + datetime.timedelta(milliseconds=v)
    if k == "duration":
        return Duration(v["months"], v["days"], v["nanos"])
    if k == "inet":
        return v
    if k in ("uuid", "timeuuid"):
        return uuid.UUID(v)
    if k in ("list", "vector"):
        return [to_py(t["args"][0], e, udt_classes, as_given) for e in v]
    if k == "set":
        out = WireOrderSet()
        for e in v if as_given else reversed(v):
            p = to_py(t["args"][0], e, udt_classes, as_given)
            out.append(HashableList(p) if type(p) is list else p)
        return out
    if k == "map":
        # Reversed too: the node, not the client, orders map entries.
        pairs = [
            (to_py(t["args"][0], a, udt_classes, as_given), to_py(t["args"][1], b, udt_classes, as_given))
            for a, b in (v if as_given else reversed(v))
        ]
        return dict(pairs)
    if k == "tuple":
        return tuple(to_py(st, e, udt_classes, True) for st, e in zip(t["args"], v))
    if k == "udt":
        cls = udt_classes[t["name"]]
        return cls(**{f: to_py(ft, v.get(f), udt_classes, True) for f, ft in t["fields"]})
    raise ValueError(f"unsupported type {k}")


def contains(t, kind):
    if t["kind"] == kind:
        return True
    if t["kind"] == "udt":
        return any(contains(ft, kind) for _, ft in t["fields"])
    return any(isinstance(a, dict) and contains(a, kind) for a in t.get("args", []))


# ---------------------------------------------------------------- rendering


def render(c, limit=400):
    s = json.dumps(c, ensure_ascii=False)
    if len(s) > limit:
        return f"{s[:limit]}... ({len(s)} chars)"
    return s


def udt_class(name):
    def init(self, **kw):
        self.__dict__.update(kw)

    return type(f"Udt_{name}", (object,), {"__init__": init, "__repr__": lambda s: f"{name}{s.__dict__}"})


def connect(args):
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import RoundRobinPolicy

    profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(), request_timeout=60)
    cluster = Cluster(
        [args.host],
        port=args.port,
        protocol_version=args.protocol,
        compression=False if args.compression == "none" else args.compression,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        connect_timeout=20,
    )
    session = cluster.connect(args.keyspace)
    return cluster, session


def load(args):
    doc = json.load(open(args.values, encoding="utf-8"))
    udts = {u["name"]: u["fields"] for u in doc["udts"]}
    cases = []
    for table in doc["tables"]:
        for col in table["columns"]:
            t = parse_type(col["type"], udts)
            for case in col["values"]:
                cases.append((table, col, t, case))
    return doc, cases


def row_id(writer, kind, col, case):
    return f"{writer}:{kind}:{col['name']}:{case['id']}"


def write(args):
    doc, cases = load(args)
    cases = [c for c in cases if c[0]["name"] not in args.skip_table]
    cluster, session = connect(args)
    classes = {}
    for u in doc["udts"]:
        classes[u["name"]] = udt_class(u["name"])
        cluster.register_user_type(args.keyspace, u["name"], classes[u["name"]])
    session.encoder.mapping[HashableList] = session.encoder.cql_encode_list_collection
    session.encoder.mapping[WireOrderSet] = session.encoder.cql_encode_set_collection
    out = {"written": [], "skipped": [], "failures": []}
    prepared = {}
    for table, col, t, case in cases:
        if table.get("counter"):
            cql = f"UPDATE {table['name']} SET {col['name']} = {col['name']} + {{m}} WHERE id = {{m}}"
            order = lambda i, v: (v, i)  # noqa: E731
        else:
            cql = f"INSERT INTO {table['name']} (id, {col['name']}) VALUES ({{m}}, {{m}})"
            order = lambda i, v: (i, v)  # noqa: E731
        for kind in ("prepared", "simple"):
            rid = row_id("py", kind, col, case)
            if kind == "simple":
                why = case.get("no_literal") or next(
                    (w for ty, w in LITERAL_UNSUPPORTED.items() if contains(t, ty)), None)
                if why:
                    out["skipped"].append({"row": rid, "type": col["type"], "why": why})
                    continue
            try:
                value = to_py(t, case["v"], classes)
                if kind == "prepared":
                    text = cql.format(m="?")
                    if text not in prepared:
                        prepared[text] = session.prepare(text)
                    session.execute(prepared[text], order(rid, value))
                else:
                    session.execute(cql.format(m="%s"), order(rid, value))
                out["written"].append(rid)
            except Exception as e:  # noqa: BLE001 - every failure is reported with its row
                out["failures"].append(
                    {"row": rid, "type": col["type"], "expected": render(canon(t, case["v"])),
                     "got": f"write failed: {type(e).__name__}: {e}"[:600]})
    cluster.shutdown()
    print(json.dumps(out))
    return 0


def check(args):
    doc, cases = load(args)
    cluster, session = connect(args)
    by_col = {(table["name"], col["name"]): (col, t, {c["id"]: c for c in col["values"]})
              for table, col, t, _ in cases}
    out = {"checked": [], "failures": []}
    prepared = {}
    for table in doc["tables"]:
        if table["name"] in args.skip_table:
            continue
        ids = [r.id for r in session.execute(f"SELECT id FROM {table['name']}")]
        for rid in sorted(i for i in ids if i.startswith(args.writer + ":")):
            _, kind, cname, case_id = rid.split(":", 3)
            col, t, values = by_col[(table["name"], cname)]
            case = values[case_id]
            expected = canon(t, case["reads_back"] if "reads_back" in case else case["v"])
            out["checked"].append(rid)
            for how in ("simple", "prepared"):
                text = f"SELECT {cname} FROM {table['name']} WHERE id = "
                try:
                    if how == "simple":
                        rows = list(session.execute(text + "%s", (rid,)))
                    else:
                        if text not in prepared:
                            prepared[text] = session.prepare(text + "?")
                        rows = list(session.execute(prepared[text], (rid,)))
                    got = from_py(t, getattr(rows[0], cname)) if rows else "<no row>"
                except Exception as e:  # noqa: BLE001
                    got = f"read failed: {type(e).__name__}: {e}"[:600]
                    # The driver defuncts a connection whose response it cannot decode;
                    # start afresh so one bad row does not fail every later one.
                    cluster.shutdown()
                    cluster, session = connect(args)
                    prepared.clear()
                if got != expected:
                    out["failures"].append(
                        {"row": rid, "type": col["type"], "expected": render(expected),
                         "got": f"(read by a {how} statement) " + render(got)})
    cluster.shutdown()
    print(json.dumps(out))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["probe", "write", "check"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9042)
    p.add_argument("--protocol", type=int, default=4)
    p.add_argument("--keyspace")
    p.add_argument("--values")
    p.add_argument("--writer", default="rs")
    p.add_argument("--compression", default="none", choices=["none", "lz4", "snappy"])
    p.add_argument("--skip-table", action="append", default=[])
    args = p.parse_args()
    if args.command == "probe":
        return probe()
    return write(args) if args.command == "write" else check(args)


if __name__ == "__main__":
    sys.exit(main())
