//! The rows of `system_schema` tables, for tests that compare two schemas: the driver's
//! metadata export here, and the mapper's `schema dump` (which includes this file by path).

use cassia_driver::{CqlValue, Row, Session};

/// The rows of `system_schema.<table>` for `keyspace`, as `(column, value)` lists without
/// the columns named in `skip` (the table `id` differs by construction; a replay into
/// another keyspace also differs in `keyspace_name`).
pub async fn schema_rows(
    session: &Session,
    table: &str,
    keyspace: &str,
    skip: &[&str],
) -> Vec<Vec<(String, Option<CqlValue>)>> {
    let rows: Vec<Row> = session
        .query(
            format!("SELECT * FROM system_schema.{table} WHERE keyspace_name = ?"),
            (keyspace,),
        )
        .await
        .expect("select")
        .rows()
        .expect("rows");
    rows.into_iter()
        .map(|r| {
            let names = r.names().to_vec();
            names
                .into_iter()
                .zip(r.into_values())
                .filter(|(n, _)| !skip.contains(&n.as_str()))
                .collect()
        })
        .collect()
}
