//! Canonical CQL for `SELECT`, `INSERT`, `UPDATE`, `DELETE` and `BATCH`.

use std::fmt::{self, Display, Formatter};

use super::super::ast::{
    Assignment, Batch, BatchChild, BatchKind, ColumnCondition, Condition, ConditionValue, Delete,
    DeleteTarget, InValues, Insert, Operator, Order, Relation, Select, Selection, Selector,
    SelectorExpr, Term, Update, Using,
};
use super::{Comma, FunctionName, Ident, Idents, operator_symbol};

impl Display for Operator {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Contains => "CONTAINS",
            Operator::ContainsKey => "CONTAINS KEY",
            Operator::Like => "LIKE",
        })
    }
}

impl Display for Order {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Order::Asc => "ASC",
            Order::Desc => "DESC",
        })
    }
}

impl Display for InValues {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            InValues::List(items) => write!(f, "({})", Comma(items)),
            InValues::Bind(m) => m.fmt(f),
        }
    }
}

impl Display for Relation {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Relation::Simple { column, op, value } => write!(f, "{} {op} {value}", Ident(column)),
            Relation::In { column, values } => write!(f, "{} IN {values}", Ident(column)),
            Relation::MultiColumn { columns, op, value } => {
                write!(f, "({}) {op} {value}", Idents(columns))
            }
            Relation::MultiColumnIn { columns, values } => {
                write!(f, "({}) IN {values}", Idents(columns))
            }
            Relation::Token { columns, op, value } => {
                write!(f, "token({}) {op} {value}", Idents(columns))
            }
            Relation::MapEntry {
                column,
                key,
                op,
                value,
            } => write!(f, "{}[{key}] {op} {value}", Ident(column)),
            Relation::IsNotNull { column } => write!(f, "{} IS NOT NULL", Ident(column)),
        }
    }
}

/// ` WHERE a AND b` (nothing when empty).
struct Where<'a>(&'a [Relation]);

impl Display for Where<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            f.write_str(if i == 0 { " WHERE " } else { " AND " })?;
            r.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for SelectorExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SelectorExpr::Column(c) => Ident(c).fmt(f),
            SelectorExpr::CountStar => f.write_str("COUNT(*)"),
            SelectorExpr::WriteTime(c) => write!(f, "WRITETIME({})", Ident(c)),
            SelectorExpr::Ttl(c) => write!(f, "TTL({})", Ident(c)),
            SelectorExpr::Function { name, args } => match (name.as_str(), args.as_slice()) {
                ("_negate", [inner]) => {
                    // Parentheses keep `-` away from a signed literal or another `-`
                    // (`--` would start a comment).
                    let plain = precedence(inner) == 3
                        && !matches!(inner, SelectorExpr::Term(_))
                        && !matches!(inner, SelectorExpr::Function { name, .. } if name == "_negate");
                    if plain {
                        write!(f, "-{inner}")
                    } else {
                        write!(f, "-({inner})")
                    }
                }
                (name, [left, right]) if operator_symbol(name).is_some() => {
                    let p = precedence_of(name);
                    let op = operator_symbol(name).unwrap_or("+");
                    if precedence(left) < p {
                        write!(f, "({left})")?;
                    } else {
                        left.fmt(f)?;
                    }
                    write!(f, " {op} ")?;
                    if precedence(right) <= p {
                        write!(f, "({right})")
                    } else {
                        right.fmt(f)
                    }
                }
                _ => write!(f, "{}({})", FunctionName(name), Comma(args)),
            },
            SelectorExpr::Cast(inner, typ) => write!(f, "CAST({inner} AS {typ})"),
            SelectorExpr::Field(inner, field) => {
                let plain = match &**inner {
                    SelectorExpr::Function { name, .. } => {
                        precedence_of(name) == 3 && name != "_negate"
                    }
                    SelectorExpr::Term(_) => false,
                    _ => true,
                };
                if plain {
                    write!(f, "{inner}.{}", Ident(field))
                } else {
                    write!(f, "({inner}).{}", Ident(field))
                }
            }
            SelectorExpr::Term(t) => t.fmt(f),
            SelectorExpr::Element(inner, key) => write!(f, "{}[{key}]", Operand(inner)),
            SelectorExpr::Slice(inner, from, to) => {
                write!(f, "{}[", Operand(inner))?;
                if let Some(from) = from {
                    from.fmt(f)?;
                }
                f.write_str("..")?;
                if let Some(to) = to {
                    to.fmt(f)?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A selector followed by `[...]`: operations and signed terms need parentheses.
struct Operand<'a>(&'a SelectorExpr);

impl Display for Operand<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let plain = match self.0 {
            SelectorExpr::Function { name, .. } => precedence_of(name) == 3 && name != "_negate",
            SelectorExpr::Term(_) => false,
            _ => true,
        };
        if plain {
            self.0.fmt(f)
        } else {
            write!(f, "({})", self.0)
        }
    }
}

/// Binding strength of a selector operator function: 1 for `+ -`, 2 for `* / %`, 3 for
/// everything else (operands).
fn precedence_of(name: &str) -> u8 {
    match name {
        "_add" | "_substract" => 1,
        "_multiply" | "_divide" | "_modulo" => 2,
        _ => 3,
    }
}

fn precedence(expr: &SelectorExpr) -> u8 {
    match expr {
        SelectorExpr::Function { name, args } if args.len() == 2 => precedence_of(name),
        // A term operand may itself print with operators (`1 + 2` inside a term).
        SelectorExpr::Term(Term::Function { name, args }) if args.len() == 2 => precedence_of(name),
        _ => 3,
    }
}

impl Display for Selector {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)?;
        if let Some(alias) = &self.alias {
            write!(f, " AS {}", Ident(alias))?;
        }
        Ok(())
    }
}

impl Display for Selection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Selection::Wildcard => f.write_str("*"),
            Selection::Selectors(s) => Comma(s).fmt(f),
        }
    }
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        if self.json {
            f.write_str("JSON ")?;
        }
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        let mut selection = self.selection.to_string();
        // A first selector starting with the column `json` or `distinct` would read back as
        // the keyword (Cassandra resolves `SELECT json - x` the same way): quote it.
        for word in ["json", "distinct"] {
            let starts_with_word = selection.starts_with(word)
                && !selection[word.len()..]
                    .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            if starts_with_word {
                selection.replace_range(..word.len(), &format!("\"{word}\""));
            }
        }
        write!(f, "{selection} FROM {}", self.table)?;
        Where(&self.where_clause).fmt(f)?;
        if !self.group_by.is_empty() {
            write!(f, " GROUP BY {}", Idents(&self.group_by))?;
        }
        for (i, (column, order)) in self.order_by.iter().enumerate() {
            f.write_str(if i == 0 { " ORDER BY " } else { ", " })?;
            write!(f, "{} {order}", Ident(column))?;
        }
        for (i, ann) in self.ann_order.iter().enumerate() {
            let first = i == 0 && self.order_by.is_empty();
            f.write_str(if first { " ORDER BY " } else { ", " })?;
            write!(
                f,
                "{} ANN OF {} {}",
                Ident(&ann.column),
                ann.vector,
                ann.order
            )?;
        }
        if let Some(n) = &self.per_partition_limit {
            write!(f, " PER PARTITION LIMIT {n}")?;
        }
        if let Some(n) = &self.limit {
            write!(f, " LIMIT {n}")?;
        }
        if self.allow_filtering {
            f.write_str(" ALLOW FILTERING")?;
        }
        Ok(())
    }
}

impl Display for Using {
    /// ` USING TTL x AND TIMESTAMP y` (nothing when both are absent).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match (&self.ttl, &self.timestamp) {
            // Keep bind markers in their original order (`USING TIMESTAMP ? AND TTL ?`).
            (Some(Term::Bind(ttl)), Some(Term::Bind(ts))) if ts.index < ttl.index => {
                write!(f, " USING TIMESTAMP {ts} AND TTL {ttl}")
            }
            (Some(ttl), Some(ts)) => write!(f, " USING TTL {ttl} AND TIMESTAMP {ts}"),
            (Some(ttl), None) => write!(f, " USING TTL {ttl}"),
            (None, Some(ts)) => write!(f, " USING TIMESTAMP {ts}"),
            (None, None) => Ok(()),
        }
    }
}

impl Display for Insert {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "INSERT INTO {}", self.table)?;
        match &self.json {
            Some((value, default_null)) => {
                write!(f, " JSON {value}")?;
                if *default_null {
                    f.write_str(" DEFAULT NULL")?;
                }
            }
            None => write!(
                f,
                " ({}) VALUES ({})",
                Idents(&self.columns),
                Comma(&self.values)
            )?,
        }
        if self.if_not_exists {
            f.write_str(" IF NOT EXISTS")?;
        }
        self.using.fmt(f)
    }
}

impl Display for Assignment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Assignment::Set { column, value } => write!(f, "{} = {value}", Ident(column)),
            Assignment::SetElement { column, key, value } => {
                write!(f, "{}[{key}] = {value}", Ident(column))
            }
            Assignment::SetField {
                column,
                field,
                value,
            } => write!(f, "{}.{} = {value}", Ident(column), Ident(field)),
            Assignment::Add { column, value } => {
                write!(f, "{c} = {c} + {value}", c = Ident(column))
            }
            Assignment::Prepend { column, value } => {
                write!(f, "{c} = {value} + {c}", c = Ident(column))
            }
            Assignment::Remove { column, value } => {
                write!(f, "{c} = {c} - {value}", c = Ident(column))
            }
        }
    }
}

impl Display for ColumnCondition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        Ident(&self.column).fmt(f)?;
        if let Some(element) = &self.element {
            write!(f, "[{element}]")?;
        }
        if let Some(field) = &self.field {
            write!(f, ".{}", Ident(field))?;
        }
        match &self.value {
            ConditionValue::Term(t) => write!(f, " {} {t}", self.op),
            ConditionValue::In(values) => write!(f, " IN {values}"),
        }
    }
}

impl Display for Condition {
    /// ` IF ...`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Exists => f.write_str(" IF EXISTS"),
            Condition::Columns(conds) => {
                for (i, c) in conds.iter().enumerate() {
                    f.write_str(if i == 0 { " IF " } else { " AND " })?;
                    c.fmt(f)?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Update {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UPDATE {}{} SET {}",
            self.table,
            self.using,
            Comma(&self.assignments)
        )?;
        Where(&self.where_clause).fmt(f)?;
        if let Some(c) = &self.condition {
            c.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for DeleteTarget {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            DeleteTarget::Column(c) => Ident(c).fmt(f),
            DeleteTarget::Element { column, key } => write!(f, "{}[{key}]", Ident(column)),
            DeleteTarget::Field { column, field } => {
                write!(f, "{}.{}", Ident(column), Ident(field))
            }
        }
    }
}

impl Display for Delete {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("DELETE ")?;
        if !self.targets.is_empty() {
            write!(f, "{} ", Comma(&self.targets))?;
        }
        write!(f, "FROM {}", self.table)?;
        if let Some(ts) = &self.timestamp {
            write!(f, " USING TIMESTAMP {ts}")?;
        }
        Where(&self.where_clause).fmt(f)?;
        if let Some(c) = &self.condition {
            c.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for BatchChild {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            BatchChild::Insert(s) => s.fmt(f),
            BatchChild::Update(s) => s.fmt(f),
            BatchChild::Delete(s) => s.fmt(f),
        }
    }
}

impl Display for Batch {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            BatchKind::Logged => "BEGIN BATCH",
            BatchKind::Unlogged => "BEGIN UNLOGGED BATCH",
            BatchKind::Counter => "BEGIN COUNTER BATCH",
        })?;
        self.using.fmt(f)?;
        for s in &self.statements {
            write!(f, " {s};")?;
        }
        f.write_str(" APPLY BATCH")
    }
}
