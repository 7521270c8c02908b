//! `INSERT`, `UPDATE`, `DELETE` and `BATCH`, with their `USING` and `IF` clauses.

use super::super::ast::{
    Assignment, Batch, BatchChild, BatchKind, ColumnCondition, Condition, ConditionValue, Delete,
    DeleteTarget, Insert, Literal, Operator, Term, Update, Using,
};
use super::super::error::SyntaxErrorKind;
use super::super::lexer::Tok;
use super::{PResult, Parser};

impl Parser<'_> {
    /// `insertStatement`.
    pub(crate) fn insert(&mut self) -> PResult<Insert> {
        self.expect_kw("INSERT")?;
        self.expect_kw("INTO")?;
        let table = self.qualified_name("table")?;
        let mut insert = Insert {
            table,
            columns: Vec::new(),
            values: Vec::new(),
            json: None,
            if_not_exists: false,
            using: Using::default(),
        };
        if self.eat_kw("JSON") {
            let value = match self.peek(0) {
                Tok::Str(s) => {
                    let t = Term::Literal(Literal::String(s.clone()));
                    self.bump();
                    t
                }
                _ => match self.try_marker()? {
                    Some(m) => Term::Bind(m),
                    None => return Err(self.no_viable()),
                },
            };
            let mut default_null = false;
            if self.eat_kw("DEFAULT") {
                if self.eat_kw("NULL") {
                    default_null = true;
                } else if !self.eat_kw("UNSET") {
                    return Err(self.no_viable());
                }
            }
            insert.json = Some((value, default_null));
        } else {
            // Column list or JSON: a decision in Parser.g, hence "no viable alternative".
            if !self.eat_sym("(") {
                return Err(self.no_viable());
            }
            insert.columns = self.comma_list(")", Self::ident)?;
            self.expect_kw("VALUES")?;
            self.expect_sym("(")?;
            insert.values = self.comma_list(")", Self::term)?;
        }
        insert.if_not_exists = self.if_not_exists()?;
        if self.eat_kw("USING") {
            insert.using = self.using()?;
        }
        Ok(insert)
    }

    /// The objectives after `USING`: `TTL n` / `TIMESTAMP n`, joined by `AND`.
    fn using(&mut self) -> PResult<Using> {
        let mut using = Using::default();
        loop {
            if self.eat_kw("TTL") {
                using.ttl = Some(self.int_value()?);
            } else if self.eat_kw("TIMESTAMP") {
                using.timestamp = Some(self.int_value()?);
            } else {
                return Err(self.no_viable());
            }
            if !self.eat_kw("AND") {
                return Ok(using);
            }
        }
    }

    /// `USING TIMESTAMP n` only (DELETE and BATCH).
    fn using_timestamp(&mut self) -> PResult<Option<Term>> {
        if !self.eat_kw("USING") {
            return Ok(None);
        }
        self.expect_kw("TIMESTAMP")?;
        self.int_value().map(Some)
    }

    /// `updateStatement`.
    pub(crate) fn update(&mut self) -> PResult<Update> {
        self.expect_kw("UPDATE")?;
        let table = self.qualified_name("table")?;
        let using = if self.eat_kw("USING") {
            self.using()?
        } else {
            Using::default()
        };
        self.expect_kw("SET")?;
        let mut assignments = vec![self.assignment()?];
        while self.eat_sym(",") {
            let next = self.assignment()?;
            // Cql.g's addRawUpdate: a plain `c = v` combines with no other operation on `c`,
            // and one UDT field is set at most once (Operation.*.isCompatibleWith).
            if let Some(column) = assignments.iter().find_map(|a| clash(a, &next)) {
                return Err(self.error(SyntaxErrorKind::Invalid {
                    message: format!("Multiple incompatible setting of column {column}"),
                }));
            }
            assignments.push(next);
        }
        self.expect_kw("WHERE")?;
        let where_clause = self.where_clause()?;
        let condition = self.condition()?;
        Ok(Update {
            table,
            using,
            assignments,
            where_clause,
            condition,
        })
    }

    /// `columnOperation`.
    fn assignment(&mut self) -> PResult<Assignment> {
        let column = self.ident()?;
        if self.eat_sym("[") {
            let key = self.term()?;
            self.expect_sym("]")?;
            self.expect_sym("=")?;
            let value = self.term()?;
            return Ok(Assignment::SetElement { column, key, value });
        }
        if self.eat_sym(".") {
            let field = self.ident()?;
            self.expect_sym("=")?;
            let value = self.term()?;
            return Ok(Assignment::SetField {
                column,
                field,
                value,
            });
        }
        if self.eat_sym("+=") {
            let value = self.term()?;
            return Ok(Assignment::Add { column, value });
        }
        if self.eat_sym("-=") {
            let value = self.term()?;
            return Ok(Assignment::Remove { column, value });
        }
        self.expect_sym("=")?;
        // `c = c + v` / `c = c - v`: the right side starts with a column name.
        if let Some(other) = self.ident_at(0) {
            if self.is_sym_at(1, "+") || self.is_sym_at(1, "-") {
                let add = self.is_sym_at(1, "+");
                if other != column {
                    let sign = if add { "+" } else { "-" };
                    return Err(self.error(SyntaxErrorKind::Invalid {
                        message: format!(
                            "Only expressions of the form X = X {sign} <value> are supported."
                        ),
                    }));
                }
                self.bump();
                self.bump();
                let value = self.term()?;
                return Ok(if add {
                    Assignment::Add { column, value }
                } else {
                    Assignment::Remove { column, value }
                });
            }
        }
        let value = self.term()?;
        if self.eat_sym("+") {
            let other = self.ident()?;
            if other != column {
                return Err(self.error(SyntaxErrorKind::Invalid {
                    message: "Only expressions of the form X = <value> + X are supported."
                        .to_owned(),
                }));
            }
            return Ok(Assignment::Prepend { column, value });
        }
        Ok(Assignment::Set { column, value })
    }

    /// `IF EXISTS` or `IF cond AND cond ...`, if present.
    fn condition(&mut self) -> PResult<Option<Condition>> {
        if !self.eat_kw("IF") {
            return Ok(None);
        }
        if self.eat_kw("EXISTS") {
            return Ok(Some(Condition::Exists));
        }
        let mut conds = vec![self.column_condition()?];
        while self.eat_kw("AND") {
            conds.push(self.column_condition()?);
        }
        Ok(Some(Condition::Columns(conds)))
    }

    /// `columnCondition`.
    fn column_condition(&mut self) -> PResult<ColumnCondition> {
        let column = self.ident()?;
        let mut element = None;
        let mut field = None;
        if self.eat_sym("[") {
            element = Some(self.term()?);
            self.expect_sym("]")?;
        } else if self.eat_sym(".") {
            field = Some(self.ident()?);
        }
        let (op, value) = if self.eat_kw("IN") {
            (Operator::Eq, ConditionValue::In(self.in_values()?))
        } else {
            let op = self.relation_operator()?;
            if op == Operator::Like {
                return Err(self.no_viable());
            }
            (op, ConditionValue::Term(self.term()?))
        };
        Ok(ColumnCondition {
            column,
            element,
            field,
            op,
            value,
        })
    }

    /// `deleteStatement`.
    pub(crate) fn delete(&mut self) -> PResult<Delete> {
        self.expect_kw("DELETE")?;
        let mut targets = Vec::new();
        if !self.is_kw("FROM") {
            loop {
                targets.push(self.delete_target()?);
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        self.expect_kw("FROM")?;
        let table = self.qualified_name("table")?;
        let timestamp = self.using_timestamp()?;
        self.expect_kw("WHERE")?;
        let where_clause = self.where_clause()?;
        let condition = self.condition()?;
        Ok(Delete {
            table,
            targets,
            timestamp,
            where_clause,
            condition,
        })
    }

    fn delete_target(&mut self) -> PResult<DeleteTarget> {
        let column = self.ident()?;
        if self.eat_sym("[") {
            let key = self.term()?;
            self.expect_sym("]")?;
            return Ok(DeleteTarget::Element { column, key });
        }
        if self.eat_sym(".") {
            let field = self.ident()?;
            return Ok(DeleteTarget::Field { column, field });
        }
        Ok(DeleteTarget::Column(column))
    }

    /// `batchStatement`.
    pub(crate) fn batch(&mut self) -> PResult<Batch> {
        self.expect_kw("BEGIN")?;
        let kind = if self.eat_kw("UNLOGGED") {
            BatchKind::Unlogged
        } else if self.eat_kw("COUNTER") {
            BatchKind::Counter
        } else {
            BatchKind::Logged
        };
        self.expect_kw("BATCH")?;
        let using = if self.eat_kw("USING") {
            self.using()?
        } else {
            Using::default()
        };
        let mut statements = Vec::new();
        while !self.is_kw("APPLY") {
            let child = match self.peek(0) {
                Tok::Word(w) if w.eq_ignore_ascii_case("INSERT") => {
                    BatchChild::Insert(self.insert()?)
                }
                Tok::Word(w) if w.eq_ignore_ascii_case("UPDATE") => {
                    BatchChild::Update(self.update()?)
                }
                Tok::Word(w) if w.eq_ignore_ascii_case("DELETE") => {
                    BatchChild::Delete(self.delete()?)
                }
                _ => return Err(self.no_viable()),
            };
            statements.push(child);
            self.eat_sym(";");
        }
        self.expect_kw("APPLY")?;
        self.expect_kw("BATCH")?;
        Ok(Batch {
            kind,
            using,
            statements,
        })
    }
}

/// The column two assignments set incompatibly, if they do.
fn clash<'a>(a: &Assignment, b: &'a Assignment) -> Option<&'a str> {
    let column = assigned(b);
    if assigned(a) != column {
        return None;
    }
    let compatible = match (a, b) {
        (Assignment::Set { .. }, _) | (_, Assignment::Set { .. }) => false,
        (Assignment::SetField { field: f, .. }, Assignment::SetField { field: g, .. }) => f != g,
        _ => true,
    };
    (!compatible).then_some(column)
}

/// The column an assignment writes.
fn assigned(a: &Assignment) -> &str {
    match a {
        Assignment::Set { column, .. }
        | Assignment::SetElement { column, .. }
        | Assignment::SetField { column, .. }
        | Assignment::Add { column, .. }
        | Assignment::Prepend { column, .. }
        | Assignment::Remove { column, .. } => column,
    }
}
