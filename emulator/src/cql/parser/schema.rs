//! DDL: `CREATE`/`ALTER`/`DROP` of keyspaces, tables, types and indexes. Other `CREATE ...`
//! forms (views, functions, roles...) are handed to `other.rs`.

use super::super::ast::{
    AlterKeyspace, AlterTable, AlterTableOp, AlterType, AlterTypeOp, ColumnDef, CreateIndex,
    CreateKeyspace, CreateTable, CreateType, IndexTarget, Order, Statement,
};
use super::super::error::SyntaxErrorKind;
use super::super::lexer::Tok;
use super::{PResult, Parser};

impl Parser<'_> {
    /// `CREATE ...`.
    pub(crate) fn create(&mut self) -> PResult<Statement> {
        let next = match self.peek(1) {
            Tok::Word(w) => w.to_ascii_uppercase(),
            _ => String::new(),
        };
        match next.as_str() {
            "KEYSPACE" | "SCHEMA" => {
                self.bump();
                self.bump();
                let if_not_exists = self.if_not_exists()?;
                let name = self.keyspace_name()?;
                self.expect_kw("WITH")?;
                let options = self.properties()?;
                Ok(Statement::CreateKeyspace(CreateKeyspace {
                    name,
                    if_not_exists,
                    options,
                }))
            }
            "TABLE" | "COLUMNFAMILY" => {
                self.bump();
                self.bump();
                self.create_table().map(Statement::CreateTable)
            }
            "TYPE" => {
                self.bump();
                self.bump();
                let if_not_exists = self.if_not_exists()?;
                let name = self.type_name()?;
                self.expect_sym("(")?;
                let fields = self.comma_list(")", |p| {
                    let f = p.ident()?;
                    Ok((f, p.cql_type()?))
                })?;
                Ok(Statement::CreateType(CreateType {
                    name,
                    if_not_exists,
                    fields,
                }))
            }
            "INDEX" | "CUSTOM" => {
                self.bump();
                let custom = self.eat_kw("CUSTOM");
                self.expect_kw("INDEX")?;
                self.create_index(custom).map(Statement::CreateIndex)
            }
            _ => self.unsupported(),
        }
    }

    fn create_table(&mut self) -> PResult<CreateTable> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.qualified_name("table")?;
        let mut table = CreateTable {
            name,
            if_not_exists,
            columns: Vec::new(),
            partition_key: Vec::new(),
            clustering: Vec::new(),
            clustering_order: Vec::new(),
            compact_storage: false,
            options: Vec::new(),
        };
        self.expect_sym("(")?;
        loop {
            if self.is_kw("PRIMARY") {
                self.bump();
                self.expect_kw("KEY")?;
                self.second_primary_key(&table)?;
                self.primary_key(&mut table)?;
            } else {
                let column = self.column_def()?;
                if column.primary_key {
                    self.second_primary_key(&table)?;
                    table.partition_key = vec![column.name.clone()];
                }
                table.columns.push(column);
            }
            // Parser.g allows a trailing comma: `(',' cfamColumns?)*`.
            if self.eat_sym(",") {
                if self.eat_sym(")") {
                    break;
                }
                continue;
            }
            self.expect_sym(")")?;
            break;
        }
        if self.eat_kw("WITH") {
            loop {
                self.table_property(&mut table)?;
                if !self.eat_kw("AND") {
                    break;
                }
            }
        }
        Ok(table)
    }

    /// `CreateTableStatement.Raw.setPartitionKeyColumns`: a second PRIMARY KEY (inline or
    /// as a clause) is refused while parsing, as an InvalidRequest.
    fn second_primary_key(&self, table: &CreateTable) -> PResult<()> {
        if table.partition_key.is_empty() {
            return Ok(());
        }
        let name = match &table.name.keyspace {
            Some(ks) => format!("{ks}.{}", super::super::display::Ident(&table.name.name)),
            None => super::super::display::Ident(&table.name.name).to_string(),
        };
        Err(self.error(SyntaxErrorKind::InvalidRequest {
            message: format!(
                "Multiple PRIMARY KEY specified for table '{name}' (exactly one required)"
            ),
        }))
    }

    /// `name type [STATIC] [PRIMARY KEY]`.
    fn column_def(&mut self) -> PResult<ColumnDef> {
        let name = self.ident()?;
        let typ = self.cql_type()?;
        let is_static = self.eat_kw("STATIC");
        let primary_key = if self.eat_kw("PRIMARY") {
            self.expect_kw("KEY")?;
            true
        } else {
            false
        };
        Ok(ColumnDef {
            name,
            typ,
            is_static,
            primary_key,
        })
    }

    /// `( pk | (pk1, pk2), ck1, ck2 )` after `PRIMARY KEY`.
    fn primary_key(&mut self, table: &mut CreateTable) -> PResult<()> {
        self.expect_sym("(")?;
        if self.eat_sym("(") {
            table.partition_key = vec![self.ident()?];
            while self.eat_sym(",") {
                table.partition_key.push(self.ident()?);
            }
            self.expect_sym(")")?;
        } else {
            table.partition_key = vec![self.ident()?];
        }
        table.clustering.clear();
        while self.eat_sym(",") {
            table.clustering.push(self.ident()?);
        }
        self.expect_sym(")")
    }

    /// `COMPACT STORAGE`, `CLUSTERING ORDER BY (...)` or `name = value`.
    fn table_property(&mut self, table: &mut CreateTable) -> PResult<()> {
        if self.is_kw("COMPACT") && self.is_kw_at(1, "STORAGE") {
            self.bump();
            self.bump();
            table.compact_storage = true;
            return Ok(());
        }
        if self.is_kw("CLUSTERING") && self.is_kw_at(1, "ORDER") {
            self.bump();
            self.bump();
            self.expect_kw("BY")?;
            self.expect_sym("(")?;
            table.clustering_order = self.comma_list(")", |p| {
                let c = p.ident()?;
                // `(K_ASC | K_DESC)` is a decision in Parser.g: "no viable alternative".
                let order = if p.eat_kw("DESC") {
                    Order::Desc
                } else if p.eat_kw("ASC") {
                    Order::Asc
                } else {
                    return Err(p.no_viable());
                };
                Ok((c, order))
            })?;
            return Ok(());
        }
        let property = self.property()?;
        table.options.push(property);
        Ok(())
    }

    /// After `CREATE [CUSTOM] INDEX`.
    fn create_index(&mut self, custom: bool) -> PResult<CreateIndex> {
        let if_not_exists = self.if_not_exists()?;
        let name = if self.is_kw("ON") {
            None
        } else {
            Some(self.ident()?)
        };
        self.expect_kw("ON")?;
        let table = self.qualified_name("table")?;
        self.expect_sym("(")?;
        let target = self.index_target()?;
        self.expect_sym(")")?;
        let mut index = CreateIndex {
            name,
            if_not_exists,
            table,
            target,
            custom_class: None,
            options: Vec::new(),
        };
        if custom || self.is_kw("USING") {
            self.expect_kw("USING")?;
            let Tok::Str(class) = self.peek(0) else {
                return Err(self.mismatched("STRING_LITERAL"));
            };
            index.custom_class = Some(class.clone());
            self.bump();
        }
        if self.eat_kw("WITH") {
            self.expect_kw("OPTIONS")?;
            self.expect_sym("=")?;
            index.options = self.constant_map()?;
        }
        Ok(index)
    }

    fn index_target(&mut self) -> PResult<IndexTarget> {
        if self.is_sym_at(1, "(") {
            let wrap: fn(String) -> IndexTarget = match self.peek(0) {
                Tok::Word(w) if w.eq_ignore_ascii_case("KEYS") => IndexTarget::Keys,
                Tok::Word(w) if w.eq_ignore_ascii_case("VALUES") => IndexTarget::Values,
                Tok::Word(w) if w.eq_ignore_ascii_case("ENTRIES") => IndexTarget::Entries,
                Tok::Word(w) if w.eq_ignore_ascii_case("FULL") => IndexTarget::Full,
                _ => return Err(self.no_viable()),
            };
            self.bump();
            self.bump();
            let column = self.ident()?;
            self.expect_sym(")")?;
            return Ok(wrap(column));
        }
        self.ident().map(IndexTarget::Column)
    }

    /// `ALTER ...`.
    pub(crate) fn alter(&mut self) -> PResult<Statement> {
        let next = match self.peek(1) {
            Tok::Word(w) => w.to_ascii_uppercase(),
            _ => String::new(),
        };
        match next.as_str() {
            "KEYSPACE" | "SCHEMA" => {
                self.bump();
                self.bump();
                // 4.0's grammar has no `IF EXISTS` after ALTER (added in 4.1): `IF` is then
                // the name, and a reserved word.
                let if_exists = false;
                let name = self.keyspace_name()?;
                self.expect_kw("WITH")?;
                let options = self.properties()?;
                Ok(Statement::AlterKeyspace(AlterKeyspace {
                    name,
                    if_exists,
                    options,
                }))
            }
            "TABLE" | "COLUMNFAMILY" => {
                self.bump();
                self.bump();
                self.alter_table()
            }
            "TYPE" => {
                self.bump();
                self.bump();
                let name = self.type_name()?;
                let op = if self.eat_kw("ADD") {
                    let f = self.ident()?;
                    AlterTypeOp::Add(f, self.cql_type()?)
                } else if self.eat_kw("RENAME") {
                    AlterTypeOp::Rename(self.renames()?)
                } else if self.is_kw("ALTER") {
                    // Cassandra 4.0 rejects `ALTER TYPE t ALTER f TYPE x` at execution.
                    return self.unsupported_from("ALTER TYPE ALTER");
                } else {
                    return Err(self.no_viable());
                };
                Ok(Statement::AlterType(AlterType { name, op }))
            }
            _ => self.unsupported(),
        }
    }

    /// Cassandra 4.0's grammar: no `IF EXISTS` / `IF NOT EXISTS` anywhere in ALTER TABLE.
    fn alter_table(&mut self) -> PResult<Statement> {
        let if_exists = false;
        let name = self.qualified_name("table")?;
        let op = if self.eat_kw("ALTER") {
            let column = self.ident()?;
            self.expect_kw("TYPE")?;
            AlterTableOp::AlterType(column, self.cql_type()?)
        } else if self.eat_kw("ADD") {
            if self.eat_sym("(") {
                let columns = self.comma_list(")", Self::column_def)?;
                AlterTableOp::Add(columns)
            } else {
                AlterTableOp::Add(vec![self.column_def()?])
            }
        } else if self.is_kw("DROP") && self.is_kw_at(1, "COMPACT") {
            return self.unsupported_from("ALTER TABLE DROP COMPACT STORAGE");
        } else if self.eat_kw("DROP") {
            let columns = if self.eat_sym("(") {
                self.comma_list(")", Self::ident)?
            } else {
                vec![self.ident()?]
            };
            // `USING TIMESTAMP n` is accepted and ignored (the emulator has no sstables to
            // reconcile dropped columns with).
            if self.eat_kw("USING") {
                self.expect_kw("TIMESTAMP")?;
                self.int_value()?;
            }
            AlterTableOp::Drop(columns)
        } else if self.eat_kw("RENAME") {
            AlterTableOp::Rename(self.renames()?)
        } else if self.eat_kw("WITH") {
            AlterTableOp::Options(self.properties()?)
        } else {
            return Err(self.no_viable());
        };
        Ok(Statement::AlterTable(AlterTable {
            name,
            if_exists,
            op,
        }))
    }

    /// `a TO b (AND a TO b)*`.
    fn renames(&mut self) -> PResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        loop {
            let from = self.ident()?;
            self.expect_kw("TO")?;
            out.push((from, self.ident()?));
            if !self.eat_kw("AND") {
                return Ok(out);
            }
        }
    }

    /// `DROP ...`.
    pub(crate) fn drop(&mut self) -> PResult<Statement> {
        let next = match self.peek(1) {
            Tok::Word(w) => w.to_ascii_uppercase(),
            _ => String::new(),
        };
        let kind = next.as_str();
        if !matches!(
            kind,
            "KEYSPACE" | "SCHEMA" | "TABLE" | "COLUMNFAMILY" | "TYPE" | "INDEX"
        ) {
            return self.unsupported();
        }
        self.bump();
        self.bump();
        let if_exists = self.if_exists()?;
        Ok(match kind {
            "KEYSPACE" | "SCHEMA" => Statement::DropKeyspace {
                name: self.keyspace_name()?,
                if_exists,
            },
            "TABLE" | "COLUMNFAMILY" => Statement::DropTable {
                name: self.qualified_name("table")?,
                if_exists,
            },
            "TYPE" => Statement::DropType {
                name: self.type_name()?,
                if_exists,
            },
            _ => Statement::DropIndex {
                name: self.qualified_name("index")?,
                if_exists,
            },
        })
    }
}
