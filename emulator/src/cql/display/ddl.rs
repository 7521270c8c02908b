//! Canonical CQL for DDL and the remaining statements; `impl Display for Statement`.

use std::fmt::{self, Display, Formatter};

use super::super::ast::{
    AlterTable, AlterTableOp, AlterType, AlterTypeOp, ColumnDef, CreateIndex, CreateTable,
    CreateType, IndexTarget, Statement,
};
use super::{Comma, ConstMap, Ident, Idents, Properties, Quoted};

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Select(s) => s.fmt(f),
            Statement::Insert(s) => s.fmt(f),
            Statement::Update(s) => s.fmt(f),
            Statement::Delete(s) => s.fmt(f),
            Statement::Batch(s) => s.fmt(f),
            Statement::Use(ks) => write!(f, "USE {}", Ident(ks)),
            Statement::Truncate(t) => write!(f, "TRUNCATE {t}"),
            Statement::CreateKeyspace(k) => write!(
                f,
                "CREATE KEYSPACE {}{} WITH {}",
                if k.if_not_exists {
                    "IF NOT EXISTS "
                } else {
                    ""
                },
                Ident(&k.name),
                Properties(&k.options)
            ),
            Statement::AlterKeyspace(k) => write!(
                f,
                "ALTER KEYSPACE {}{} WITH {}",
                if_exists(k.if_exists),
                Ident(&k.name),
                Properties(&k.options)
            ),
            Statement::DropKeyspace { name, if_exists: e } => {
                write!(f, "DROP KEYSPACE {}{}", if_exists(*e), Ident(name))
            }
            Statement::CreateTable(t) => t.fmt(f),
            Statement::AlterTable(t) => t.fmt(f),
            Statement::DropTable { name, if_exists: e } => {
                write!(f, "DROP TABLE {}{name}", if_exists(*e))
            }
            Statement::CreateType(t) => t.fmt(f),
            Statement::AlterType(t) => t.fmt(f),
            Statement::DropType { name, if_exists: e } => {
                write!(f, "DROP TYPE {}{name}", if_exists(*e))
            }
            Statement::CreateIndex(i) => i.fmt(f),
            Statement::DropIndex { name, if_exists: e } => {
                write!(f, "DROP INDEX {}{name}", if_exists(*e))
            }
            Statement::Unsupported(kind) => f.write_str(kind),
        }
    }
}

fn if_exists(yes: bool) -> &'static str {
    if yes { "IF EXISTS " } else { "" }
}

impl Display for ColumnDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", Ident(&self.name), self.typ)?;
        if self.is_static {
            f.write_str(" STATIC")?;
        }
        if self.primary_key {
            f.write_str(" PRIMARY KEY")?;
        }
        Ok(())
    }
}

impl Display for CreateTable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CREATE TABLE {}{} ({}",
            if self.if_not_exists {
                "IF NOT EXISTS "
            } else {
                ""
            },
            self.name,
            Comma(&self.columns)
        )?;
        let inline_key = self.columns.iter().any(|c| c.primary_key);
        if !inline_key && !self.partition_key.is_empty() {
            if !self.columns.is_empty() {
                f.write_str(", ")?;
            }
            f.write_str("PRIMARY KEY (")?;
            match self.partition_key.as_slice() {
                [single] => Ident(single).fmt(f)?,
                several => write!(f, "({})", Idents(several))?,
            }
            for c in &self.clustering {
                write!(f, ", {}", Ident(c))?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")?;
        let mut first = true;
        let mut sep = |f: &mut Formatter<'_>| {
            let s = if first { " WITH " } else { " AND " };
            first = false;
            f.write_str(s)
        };
        if !self.clustering_order.is_empty() {
            sep(f)?;
            f.write_str("CLUSTERING ORDER BY (")?;
            for (i, (c, order)) in self.clustering_order.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{} {order}", Ident(c))?;
            }
            f.write_str(")")?;
        }
        if self.compact_storage {
            sep(f)?;
            f.write_str("COMPACT STORAGE")?;
        }
        if !self.options.is_empty() {
            sep(f)?;
            Properties(&self.options).fmt(f)?;
        }
        Ok(())
    }
}

impl Display for AlterTable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "ALTER TABLE {}{} ", if_exists(self.if_exists), self.name)?;
        match &self.op {
            AlterTableOp::Add(columns) => match columns.as_slice() {
                [single] => write!(f, "ADD {single}"),
                several => write!(f, "ADD ({})", Comma(several)),
            },
            AlterTableOp::Drop(columns) => match columns.as_slice() {
                [single] => write!(f, "DROP {}", Ident(single)),
                several => write!(f, "DROP ({})", Idents(several)),
            },
            AlterTableOp::Rename(pairs) => {
                f.write_str("RENAME ")?;
                Renames(pairs).fmt(f)
            }
            AlterTableOp::AlterType(column, typ) => {
                write!(f, "ALTER {} TYPE {typ}", Ident(column))
            }
            AlterTableOp::Options(options) => write!(f, "WITH {}", Properties(options)),
        }
    }
}

/// `a TO b AND c TO d`.
struct Renames<'a>(&'a [(String, String)]);

impl Display for Renames<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, (from, to)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" AND ")?;
            }
            write!(f, "{} TO {}", Ident(from), Ident(to))?;
        }
        Ok(())
    }
}

impl Display for CreateType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CREATE TYPE {}{} (",
            if self.if_not_exists {
                "IF NOT EXISTS "
            } else {
                ""
            },
            self.name
        )?;
        for (i, (name, typ)) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {typ}", Ident(name))?;
        }
        f.write_str(")")
    }
}

impl Display for AlterType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "ALTER TYPE {} ", self.name)?;
        match &self.op {
            AlterTypeOp::Add(field, typ) => write!(f, "ADD {} {typ}", Ident(field)),
            AlterTypeOp::Rename(pairs) => write!(f, "RENAME {}", Renames(pairs)),
        }
    }
}

impl Display for IndexTarget {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            IndexTarget::Column(c) => Ident(c).fmt(f),
            IndexTarget::Keys(c) => write!(f, "KEYS({})", Ident(c)),
            IndexTarget::Values(c) => write!(f, "VALUES({})", Ident(c)),
            IndexTarget::Entries(c) => write!(f, "ENTRIES({})", Ident(c)),
            IndexTarget::Full(c) => write!(f, "FULL({})", Ident(c)),
        }
    }
}

impl Display for CreateIndex {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.custom_class.is_some() {
            "CREATE CUSTOM INDEX "
        } else {
            "CREATE INDEX "
        })?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        if let Some(name) = &self.name {
            write!(f, "{} ", Ident(name))?;
        }
        write!(f, "ON {} ({})", self.table, self.target)?;
        if let Some(class) = &self.custom_class {
            write!(f, " USING {}", Quoted(class))?;
        }
        if !self.options.is_empty() {
            write!(f, " WITH OPTIONS = {}", ConstMap(&self.options))?;
        }
        Ok(())
    }
}
