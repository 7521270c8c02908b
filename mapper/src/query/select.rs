//! [`Select`]: `Model::objects()` and its refinements (filter, limit, order, projection),
//! checked against Cassandra's rules for reads before being built.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::request::SerializedValues;

use super::ann::{Ann, AnnColumn, Scored};
use super::built::{BuiltQuery, QueryOptions, StatementKind, Writer};
use super::column::{Column, Condition, Ordering, Target, column_type, encode};
use super::error::QueryError;
use super::restrict::{Served, analyze, render, table_name};
use super::shape::{self, ShapeKey};
use crate::model::Model;
use crate::schema::{ClusteringOrder, ColumnKind, IndexKind, Similarity, quote_ident};

/// Columns to select instead of the whole model: a [`Column`] or a tuple of them. `Row` is
/// what each result row is read as.
pub trait Projection<M> {
    /// The Rust type of a row.
    type Row;
    /// The column names, in order.
    fn names(&self) -> Vec<&'static str>;
}

impl<M, T> Projection<M> for Column<M, T> {
    type Row = (T,);
    fn names(&self) -> Vec<&'static str> {
        vec![self.name()]
    }
}

macro_rules! tuple_projection {
    ($($c:ident $t:ident $i:tt),+) => {
        impl<M, $($t),+> Projection<M> for ($(Column<M, $t>,)+) {
            type Row = ($($t,)+);
            fn names(&self) -> Vec<&'static str> {
                vec![$(self.$i.name()),+]
            }
        }
    };
}

tuple_projection!(A TA 0);
tuple_projection!(A TA 0, B TB 1);
tuple_projection!(A TA 0, B TB 1, C TC 2);
tuple_projection!(A TA 0, B TB 1, C TC 2, D TD 3);
tuple_projection!(A TA 0, B TB 1, C TC 2, D TD 3, E TE 4);
tuple_projection!(A TA 0, B TB 1, C TC 2, D TD 3, E TE 4, F TF 5);

/// A SELECT on model `M` whose rows are read as `R` (the model itself unless projected).
#[derive(Debug)]
pub struct Select<M, R = M> {
    filters: Vec<Condition<M>>,
    limit: Option<i32>,
    per_partition_limit: Option<i32>,
    order: Vec<Ordering<M>>,
    ann: Option<Ann>,
    scored: bool,
    allow_filtering: bool,
    distinct: bool,
    projection: Option<Vec<&'static str>>,
    keyspace: Option<String>,
    options: QueryOptions,
    _row: PhantomData<fn() -> R>,
}

impl<M, R> Clone for Select<M, R> {
    fn clone(&self) -> Self {
        Select {
            filters: self.filters.clone(),
            limit: self.limit,
            per_partition_limit: self.per_partition_limit,
            order: self.order.clone(),
            ann: self.ann.clone(),
            scored: self.scored,
            allow_filtering: self.allow_filtering,
            distinct: self.distinct,
            projection: self.projection.clone(),
            keyspace: self.keyspace.clone(),
            options: self.options.clone(),
            _row: PhantomData,
        }
    }
}

impl<M: Model> Select<M, M> {
    /// All rows of `M` (for a variant of a polymorphic model: its rows only).
    pub fn new() -> Self {
        let mut filters = Vec::new();
        if let Some((column, value)) = M::discriminator() {
            let schema = M::schema();
            if let Some(index) = schema.columns.iter().position(|c| c.name == column) {
                filters.push(Condition::discriminator(index, column, value));
            }
        }
        Select {
            filters,
            limit: None,
            per_partition_limit: None,
            order: Vec::new(),
            ann: None,
            scored: false,
            allow_filtering: false,
            distinct: false,
            projection: None,
            keyspace: None,
            options: QueryOptions::default(),
            _row: PhantomData,
        }
    }
}

impl<M: Model> Default for Select<M, M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model, R> Select<M, R> {
    /// Adds a WHERE relation (several are ANDed).
    pub fn filter(mut self, condition: Condition<M>) -> Self {
        self.filters.push(condition);
        self
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: i32) -> Self {
        self.limit = Some(n);
        self
    }

    /// `PER PARTITION LIMIT n`.
    pub fn per_partition_limit(mut self, n: i32) -> Self {
        self.per_partition_limit = Some(n);
        self
    }

    /// `ORDER BY` a clustering column (`User::AT.desc()`); call again for the next one.
    pub fn order_by(mut self, ordering: Ordering<M>) -> Self {
        self.order.push(ordering);
        self
    }

    /// `ORDER BY column ANN OF ?`: the rows whose vectors are most similar to `query`,
    /// closest first, by the similarity function of the column's storage-attached index.
    /// Cassandra requires a `LIMIT` (the number of neighbours) and no other ordering; the
    /// column must be declared with `#[cassia(index = "sai")]`. Only `[f32; N]` columns can
    /// be searched, with an `[f32; N]` query of the same `N`:
    ///
    /// ```ignore
    /// let nearest = Product::objects()
    ///     .order_by_ann(Product::EMBEDDING, &[0.1, 0.2, 0.3, 0.4, 0.5])
    ///     .limit(2)
    ///     .with_similarity()
    ///     .all_on(&session)
    ///     .await?;
    /// ```
    pub fn order_by_ann<T: AnnColumn>(mut self, column: Column<M, T>, query: &T::Query) -> Self {
        let typ = column_type::<M>(column.index());
        let similarity = match M::schema()
            .columns
            .get(column.index())
            .and_then(|c| c.index)
        {
            Some(IndexKind::Sai(options)) => Some(options.similarity_or_default()),
            _ => None,
        };
        self.ann = Some(Ann {
            index: column.index(),
            name: column.name(),
            value: encode::<T::Query, T::Query>(query, &typ),
            similarity,
        });
        self
    }

    /// Selects, after the row's columns, its similarity to the `order_by_ann` query (the
    /// index's function, e.g. `similarity_cosine(col, ?) AS similarity`); rows are read as
    /// [`Scored`].
    pub fn with_similarity(self) -> Select<M, Scored<R>> {
        Select {
            filters: self.filters,
            limit: self.limit,
            per_partition_limit: self.per_partition_limit,
            order: self.order,
            ann: self.ann,
            scored: true,
            allow_filtering: self.allow_filtering,
            distinct: self.distinct,
            projection: self.projection,
            keyspace: self.keyspace,
            options: self.options,
            _row: PhantomData,
        }
    }

    /// `ALLOW FILTERING`.
    pub fn allow_filtering(mut self) -> Self {
        self.allow_filtering = true;
        self
    }

    /// `SELECT DISTINCT` over the partition key (or the projected partition key and static
    /// columns).
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    /// Selects only `columns`; rows are read as the tuple of their types.
    pub fn only<P: Projection<M>>(self, columns: P) -> Select<M, P::Row> {
        Select {
            filters: self.filters,
            limit: self.limit,
            per_partition_limit: self.per_partition_limit,
            order: self.order,
            ann: self.ann,
            scored: self.scored,
            allow_filtering: self.allow_filtering,
            distinct: self.distinct,
            projection: Some(columns.names()),
            keyspace: self.keyspace,
            options: self.options,
            _row: PhantomData,
        }
    }

    /// Same as [`only`](Self::only) (cqlengine's `values_list`).
    pub fn values_list<P: Projection<M>>(self, columns: P) -> Select<M, P::Row> {
        self.only(columns)
    }

    /// Reads the table in `keyspace` instead of the model's (or the session's) keyspace:
    /// for services that keep one keyspace per tenant, each with the same tables. The
    /// statement names the table `keyspace.table`, on protocol v4 and v5 alike.
    pub fn keyspace(mut self, keyspace: impl Into<String>) -> Self {
        self.keyspace = Some(keyspace.into());
        self
    }

    /// Consistency level.
    pub fn consistency(mut self, c: Consistency) -> Self {
        self.options.consistency = Some(c);
        self
    }

    /// Rows per page.
    pub fn fetch_size(mut self, n: i32) -> Self {
        self.options.fetch_size = Some(n);
        self
    }

    /// Client-side timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.options.timeout = Some(t);
        self
    }

    /// The statement, or why Cassandra would refuse it.
    pub fn build(&self) -> Result<BuiltQuery, QueryError> {
        self.build_with(None, self.limit)
    }

    /// `SELECT COUNT(*)` with the same WHERE clause.
    pub fn build_count(&self) -> Result<BuiltQuery, QueryError> {
        self.build_with(Some("COUNT(*)"), self.limit)
    }

    fn selected(&self) -> String {
        let schema = M::schema();
        let names: Vec<String> = match (&self.projection, self.distinct) {
            (Some(p), _) => p.iter().map(|n| quote_ident(n)).collect(),
            (None, true) => schema
                .partition_key()
                .iter()
                .map(|c| quote_ident(&c.name))
                .collect(),
            (None, false) => schema
                .columns
                .iter()
                .map(|c| quote_ident(&c.name))
                .collect(),
        };
        let mut selected = names.join(", ");
        if let Some(ann) = self.ann.as_ref().filter(|_| self.scored) {
            let function = ann.similarity.unwrap_or(Similarity::Cosine).function();
            selected.push_str(&format!(
                ", {function}({}, ?) AS similarity",
                quote_ident(ann.name)
            ));
        }
        selected
    }

    fn check_with(&self, limit: Option<i32>) -> Result<(), QueryError> {
        let schema = M::schema();
        let table = &schema.name;
        for (what, value) in [
            ("LIMIT", limit),
            ("PER PARTITION LIMIT", self.per_partition_limit),
        ] {
            if let Some(value) = value.filter(|v| *v < 1) {
                return Err(QueryError::InvalidLimit {
                    table: table.clone(),
                    what,
                    value,
                });
            }
        }
        self.check_ann(limit)?;
        let r = analyze(&self.filters, "WHERE clause")?;
        if !self.allow_filtering {
            r.check_no_pk_range(table)?;
            if r.pk_any && !r.pk_complete() && !r.uses_index() {
                return Err(QueryError::IncompletePartitionKey {
                    table: table.clone(),
                    missing: r.pk_missing.join(", "),
                });
            }
            if !r.uses_index() {
                r.check_clustering_prefix(table)?;
                if r.clustering_any() && !r.pk_complete() {
                    if let Some((name, _)) = r.clustering.iter().find(|(_, ops)| !ops.is_empty()) {
                        return Err(QueryError::NeedsFiltering {
                            table: table.clone(),
                            column: name.clone(),
                        });
                    }
                }
            }
            // One regular index serves the query and every other non-key restriction
            // filters; storage-attached indexes intersect, so each serves its own.
            let mut index_used = false;
            for (name, _, served) in &r.others {
                if *served == Served::Sai {
                    continue;
                }
                if *served == Served::Index && !index_used {
                    index_used = true;
                } else {
                    return Err(QueryError::NeedsFiltering {
                        table: table.clone(),
                        column: name.clone(),
                    });
                }
            }
        }
        if !self.order.is_empty() {
            if !r.pk_complete() {
                return Err(QueryError::OrderByWithoutPartitionKey {
                    table: table.clone(),
                });
            }
            let mut last: Option<usize> = None;
            let mut reversed: Option<bool> = None;
            for o in &self.order {
                let Some(ColumnKind::Clustering(pos, declared)) =
                    schema.columns.get(o.index).map(|c| c.kind)
                else {
                    return Err(QueryError::OrderByNonClustering {
                        table: table.clone(),
                        column: o.name.to_owned(),
                    });
                };
                let rev = o.order != declared;
                if last.is_some_and(|l| pos <= l) || reversed.is_some_and(|r| r != rev) {
                    return Err(QueryError::OrderByOrder {
                        table: table.clone(),
                    });
                }
                last = Some(pos);
                reversed = Some(rev);
            }
        }
        Ok(())
    }

    /// What Cassandra requires of a vector search: an index to search, a `LIMIT`, no other
    /// ordering; and a score only with a search.
    fn check_ann(&self, limit: Option<i32>) -> Result<(), QueryError> {
        let schema = M::schema();
        let table = || schema.name.clone();
        let Some(ann) = &self.ann else {
            if self.scored {
                return Err(QueryError::SimilarityWithoutAnn { table: table() });
            }
            return Ok(());
        };
        if ann.value.is_err() || ann.similarity.is_none() {
            if let Err(e) = &ann.value {
                return Err(QueryError::Value {
                    table: table(),
                    column: ann.name.to_owned(),
                    source: e.clone(),
                });
            }
            return Err(QueryError::AnnWithoutIndex {
                table: table(),
                column: ann.name.to_owned(),
            });
        }
        if limit.is_none() {
            return Err(QueryError::AnnWithoutLimit {
                table: table(),
                column: ann.name.to_owned(),
            });
        }
        if !self.order.is_empty() {
            return Err(QueryError::AnnWithOtherOrdering { table: table() });
        }
        Ok(())
    }

    /// The shape of this SELECT (everything its text depends on), `limit` replacing the
    /// builder's own.
    fn shape_key(&self, count: bool, limit: Option<i32>) -> ShapeKey<'_> {
        let mut key = ShapeKey::new::<M>(2);
        key.in_keyspace(self.keyspace.as_deref());
        key.push(
            u64::from(count) | u64::from(self.distinct) << 1 | u64::from(self.allow_filtering) << 2,
        );
        key.push_opt_i32(limit);
        key.push_opt_i32(self.per_partition_limit);
        match &self.projection {
            None => key.push(u64::MAX),
            Some(names) => {
                key.push_usize(names.len());
                for n in names {
                    key.push_name(n);
                }
            }
        }
        key.push_usize(self.filters.len());
        for c in &self.filters {
            match c.target {
                Target::Column(i) => key.push_usize(i),
                Target::Token => key.push(u64::MAX),
            }
            key.push_name(c.name);
            key.push(c.op as u64);
            key.push_usize(c.values.as_ref().map_or(0, Vec::len));
        }
        match &self.ann {
            None => key.push(u64::MAX),
            Some(ann) => {
                key.push_usize(ann.index);
                key.push_name(ann.name);
                key.push(u64::from(self.scored));
            }
        }
        key.push_usize(self.order.len());
        for o in &self.order {
            key.push_usize(o.index);
            key.push_name(o.name);
            key.push(u64::from(o.order == ClusteringOrder::Desc));
        }
        key
    }

    /// The statement's text (shared per shape) and its values, `limit` replacing the
    /// builder's own and `count` selecting `COUNT(*)`; rendered and checked only the first
    /// time a shape is seen. On later runs the values are the filters' own bytes, written
    /// straight into the driver's request (no intermediate buffer).
    pub(crate) fn prepared_parts(
        &self,
        count: bool,
        limit: Option<i32>,
    ) -> Result<(Arc<str>, BoundValues<'_, M>), QueryError> {
        let key = self.shape_key(count, limit);
        if let Some(cql) = shape::get(&key) {
            let ann = self.ann.as_ref().map(|a| a.value.as_deref());
            if self.filters.iter().all(|c| c.values.is_ok()) && !matches!(ann, Some(Err(_))) {
                let ann = ann.and_then(Result::ok);
                return Ok((
                    cql,
                    BoundValues::Filters {
                        select: ann.filter(|_| self.scored && !count),
                        filters: &self.filters,
                        ann,
                    },
                ));
            }
        }
        let q = self.build_with(count.then_some("COUNT(*)"), limit)?;
        Ok((shape::insert(&key, q.cql), BoundValues::Built(q.values)))
    }

    /// Execution options.
    pub(crate) fn options(&self) -> &QueryOptions {
        &self.options
    }

    /// The builder's `LIMIT`.
    pub(crate) fn limit_value(&self) -> Option<i32> {
        self.limit
    }

    fn build_with(
        &self,
        count: Option<&str>,
        limit: Option<i32>,
    ) -> Result<BuiltQuery, QueryError> {
        self.check_with(limit)?;
        let schema = M::schema();
        let mut w = Writer::new(&schema.name);
        w.push("SELECT ");
        if self.distinct && count.is_none() {
            w.push("DISTINCT ");
        }
        match count {
            Some(c) => w.push(c),
            None => {
                w.push(&self.selected());
                if let Some(Ok(v)) = self.ann.as_ref().filter(|_| self.scored).map(|a| &a.value) {
                    w.push_value(v)?;
                }
            }
        }
        w.push(" FROM ");
        w.push(&table_name::<M>(self.keyspace.as_deref()));
        render(&mut w, " WHERE ", &self.filters)?;
        if let Some(ann) = &self.ann {
            w.push(&format!(" ORDER BY {} ANN OF ", quote_ident(ann.name)));
            if let Ok(v) = &ann.value {
                w.bind(v)?;
            }
        } else if !self.order.is_empty() {
            let order = self
                .order
                .iter()
                .map(|o| format!("{} {}", quote_ident(o.name), o.order.as_cql()))
                .collect::<Vec<_>>()
                .join(", ");
            w.push(&format!(" ORDER BY {order}"));
        }
        if let Some(n) = self.per_partition_limit {
            w.push(" PER PARTITION LIMIT ");
            w.push(&n.to_string());
        }
        if let Some(n) = limit {
            w.push(" LIMIT ");
            w.push(&n.to_string());
        }
        if self.allow_filtering {
            w.push(" ALLOW FILTERING");
        }
        Ok(BuiltQuery {
            cql: w.cql,
            values: w.values,
            options: self.options.clone(),
            kind: StatementKind::Select,
            conditional: false,
            counter: false,
        })
    }
}

/// The bound values of a SELECT: rendered with the text, or (cached shape) the filters'
/// values in marker order, IN lists flattened, as `render` binds them.
#[derive(Debug)]
pub(crate) enum BoundValues<'a, M> {
    /// Rendered together with the text.
    Built(SerializedValues),
    /// The values of the score's selection, every filter and the ANN query, all known to
    /// be serialized, in marker order.
    Filters {
        /// The query vector of `similarity_x(col, ?)` in the selection.
        select: Option<&'a [u8]>,
        /// The WHERE relations.
        filters: &'a [Condition<M>],
        /// The query vector of `ANN OF ?`.
        ann: Option<&'a [u8]>,
    },
}

impl<M> BoundValues<'_, M> {
    /// Each `[value]` in marker order.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&[u8])) {
        match self {
            BoundValues::Built(v) => f(&v.bytes),
            BoundValues::Filters {
                select,
                filters,
                ann,
            } => {
                select.iter().for_each(|v| f(v));
                filters
                    .iter()
                    .filter_map(|c| c.values.as_ref().ok())
                    .flatten()
                    .for_each(|v| f(v));
                ann.iter().for_each(|v| f(v));
            }
        }
    }

    /// How many values there are.
    pub(crate) fn count(&self) -> usize {
        match self {
            BoundValues::Built(v) => v.len(),
            BoundValues::Filters {
                select,
                filters,
                ann,
            } => {
                select.iter().len()
                    + filters
                        .iter()
                        .filter_map(|c| c.values.as_ref().ok())
                        .map(Vec::len)
                        .sum::<usize>()
                    + ann.iter().len()
            }
        }
    }
}
