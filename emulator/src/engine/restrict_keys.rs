//! Which partitions a statement's WHERE clause selects: the keys of its `=`/`IN` partition
//! key restrictions (every combination, filtered by any `token(...)` bounds, as Cassandra's
//! TokenFilter does), or a token range.

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::matching::{cartesian, restr_values};
use super::restrict::{Partitions, Where};
use super::schema::Table;
use super::term::{Binds, Receiver, eval};
use crate::cql::ast::{Operator, Term};
use crate::store::partition_key_bytes;

impl Where {
    /// The partitions selected (all of them when the key is not fully restricted).
    pub fn partitions(
        &self,
        table: &Table,
        binds: &Binds<'_>,
    ) -> Result<Option<Partitions>, ServerError> {
        if self.pk_complete() {
            let mut per_col: Vec<Vec<Bytes>> = Vec::with_capacity(self.pk.len());
            for (r, idx) in self.pk.iter().zip(table.pk.iter()) {
                let col = &table.cols[*idx];
                let vals = match r {
                    Some(r) => restr_values(r, &col.name, &col.typ, binds)?,
                    None => Vec::new(),
                };
                per_col.push(vals);
            }
            let mut keys: Vec<Bytes> = Vec::new();
            cartesian(&per_col, &mut Vec::new(), &mut |parts| {
                let refs: Vec<&[u8]> = parts.iter().map(|b| b.as_ref()).collect();
                keys.push(partition_key_bytes(&refs));
            });
            // `token(k) > x AND k = y`: Cassandra's TokenFilter keeps the keys whose token
            // is within the token bounds.
            if !self.token.is_empty() {
                let (lo, hi) = self.token_bounds(table, binds)?;
                keys.retain(|k| {
                    let t = crate::store::token::murmur3_token(k);
                    std::ops::RangeBounds::contains(&(lo, hi), &t)
                });
            }
            return Ok(Some(Partitions::Keys(keys)));
        }
        if !self.token.is_empty() {
            let (lo, hi) = self.token_bounds(table, binds)?;
            return Ok(Some(Partitions::Tokens(lo, hi)));
        }
        Ok(None)
    }

    /// The bounds the `token(...)` relations put on the ring.
    fn token_bounds(
        &self,
        table: &Table,
        binds: &Binds<'_>,
    ) -> Result<(std::ops::Bound<i64>, std::ops::Bound<i64>), ServerError> {
        let mut lo = std::ops::Bound::Unbounded;
        let mut hi = std::ops::Bound::Unbounded;
        for (op, t) in &self.token {
            let tok = match t {
                // `token(x, y)` on the right: the token of that partition key.
                Term::Function { name, args } if name == "token" => {
                    let mut parts = Vec::with_capacity(args.len());
                    for (a, idx) in args.iter().zip(table.pk.iter()) {
                        let col = &table.cols[*idx];
                        let recv = Receiver {
                            name: &col.name,
                            typ: &col.typ,
                        };
                        parts.push(eval(a, recv, binds)?.bytes().cloned().unwrap_or_default());
                    }
                    let refs: Vec<&[u8]> = parts.iter().map(|b| b.as_ref()).collect();
                    crate::store::token::murmur3_token(&partition_key_bytes(&refs))
                }
                _ => {
                    let v = eval(
                        t,
                        Receiver {
                            name: "partition key token",
                            typ: &ColumnType::BigInt,
                        },
                        binds,
                    )?;
                    let Some(b) = v.bytes() else { continue };
                    <[u8; 8]>::try_from(b.as_ref())
                        .map(i64::from_be_bytes)
                        .unwrap_or(0)
                }
            };
            match op {
                Operator::Gt => lo = std::ops::Bound::Excluded(tok),
                Operator::Ge => lo = std::ops::Bound::Included(tok),
                Operator::Lt => hi = std::ops::Bound::Excluded(tok),
                Operator::Le => hi = std::ops::Bound::Included(tok),
                _ => {
                    lo = std::ops::Bound::Included(tok);
                    hi = std::ops::Bound::Included(tok);
                }
            }
        }
        Ok((lo, hi))
    }
}
