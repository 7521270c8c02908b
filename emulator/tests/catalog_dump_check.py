# Runs the Python driver's schema metadata parser (SchemaParserV4) over the rows printed by
# `cargo test -p cassia-emulator --test catalog_dump -- --ignored --nocapture`, piped on stdin
# (lines starting with ROWS[ and row lines only). Fails on any assertion or driver warning.
import logging, uuid, sys
from cassandra.util import SortedSet, OrderedMapSerializedKey
from cassandra import metadata as M
class Fail(logging.Handler):
    def emit(self, record):
        raise SystemExit("driver logged: " + record.getMessage())
logging.getLogger("cassandra").addHandler(Fail(level=logging.WARNING))
ns = {"uuid": uuid, "SortedSet": SortedSet, "OrderedMapSerializedKey": OrderedMapSerializedKey}
exec('ROWS = {}\n' + sys.stdin.read(), ns)
R = ns['ROWS']
class FakeResult:
    def __init__(self, rows): self.parsed_rows = rows
p = M.SchemaParserV4(None, 1)
def h(r): return r
p.keyspaces_result = R['system_schema.keyspaces']
p.tables_result = R['system_schema.tables']
p.columns_result = R['system_schema.columns']
p.triggers_result = R['system_schema.triggers']
p.types_result = R['system_schema.types']
p.functions_result = R['system_schema.functions']
p.aggregates_result = R['system_schema.aggregates']
p.indexes_result = R['system_schema.indexes']
p.views_result = R['system_schema.views']
p.virtual_keyspaces_result = R['system_virtual_schema.keyspaces']
p.virtual_tables_result = R['system_virtual_schema.tables']
p.virtual_columns_result = R['system_virtual_schema.columns']
p._aggregate_results()
p._query_all = lambda: None
kss = {k.name: k for k in p.get_all_keyspaces()}
print(sorted(kss))
ks = kss['ks']
print(ks.replication_strategy.export_for_schema())
for name, t in ks.tables.items():
    print(t.export_as_string()); print()
for name, u in ks.user_types.items():
    print(u.export_as_string())
t = ks.tables['posts']
assert [c.name for c in t.partition_key] == ['user']
assert t.clustering_key[0].is_reversed
assert t.columns['likes'].is_static
assert t.columns['addr'].cql_type == 'frozen<address>', t.columns['addr'].cql_type
assert t.options['comment'] == 'blog posts'
assert t.options['default_time_to_live'] == 3600
print({n: i.index_options for n, i in t.indexes.items()})
print(sorted(kss['system_schema'].tables))
print(sorted(kss['system_virtual_schema'].tables), kss['system_virtual_schema'].virtual)
print("OK")
