//! `SELECT`: selectors, and the `WHERE` relations shared with `UPDATE`/`DELETE`.

use super::super::ast::{
    AnnOrder, InValues, Operator, Order, Relation, Select, Selection, Selector, SelectorExpr, Term,
};
use super::super::lexer::Tok;
use super::{PResult, Parser};

impl Parser<'_> {
    /// `selectStatement`.
    pub(crate) fn select(&mut self) -> PResult<Select> {
        self.expect_kw("SELECT")?;
        // `json` and `distinct` are also valid column names: they are keywords only when a
        // selection follows them (Parser.g resolves this with syntactic predicates).
        let json = self.keyword_before_selection("JSON");
        let distinct = self.keyword_before_selection("DISTINCT");
        let selection = self.selection()?;
        self.expect_kw("FROM")?;
        let table = self.qualified_name("table")?;
        let mut select = Select {
            table,
            json,
            distinct,
            selection,
            where_clause: Vec::new(),
            group_by: Vec::new(),
            order_by: Vec::new(),
            ann_order: Vec::new(),
            per_partition_limit: None,
            limit: None,
            allow_filtering: false,
        };
        if self.eat_kw("WHERE") {
            select.where_clause = self.where_clause()?;
        }
        if self.eat_kw("GROUP") {
            self.expect_kw("BY")?;
            select.group_by.push(self.ident()?);
            while self.eat_sym(",") {
                select.group_by.push(self.ident()?);
            }
        }
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let column = self.ident()?;
                // `orderByClause` of Cassandra 5.0: `cident (K_ANN K_OF term)? (K_ASC|K_DESC)?`.
                let ann = if self.is_kw("ANN") && self.is_kw_at(1, "OF") {
                    self.bump();
                    self.bump();
                    Some(self.term()?)
                } else {
                    None
                };
                let order = if self.eat_kw("DESC") {
                    Order::Desc
                } else {
                    self.eat_kw("ASC");
                    Order::Asc
                };
                match ann {
                    Some(vector) => select.ann_order.push(AnnOrder {
                        column,
                        vector,
                        order,
                    }),
                    None => select.order_by.push((column, order)),
                }
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        if self.is_kw("PER") {
            self.bump();
            self.expect_kw("PARTITION")?;
            self.expect_kw("LIMIT")?;
            select.per_partition_limit = Some(self.int_value()?);
        }
        if self.eat_kw("LIMIT") {
            select.limit = Some(self.int_value()?);
        }
        if self.eat_kw("ALLOW") {
            self.expect_kw("FILTERING")?;
            select.allow_filtering = true;
        }
        Ok(select)
    }

    /// Consumes `kw` if a selection clause follows it.
    fn keyword_before_selection(&mut self, kw: &str) -> bool {
        if !self.is_kw(kw) {
            return false;
        }
        let m = self.mark();
        self.bump();
        if kw == "JSON" {
            self.keyword_before_selection("DISTINCT");
        }
        let ok = self.selection().is_ok() && self.is_kw("FROM");
        self.reset(m);
        if ok {
            self.bump();
        }
        ok
    }

    fn selection(&mut self) -> PResult<Selection> {
        if self.eat_sym("*") {
            return Ok(Selection::Wildcard);
        }
        let mut selectors = vec![self.selector()?];
        while self.eat_sym(",") {
            selectors.push(self.selector()?);
        }
        Ok(Selection::Selectors(selectors))
    }

    fn selector(&mut self) -> PResult<Selector> {
        let expr = self.selector_expr()?;
        let alias = if self.eat_kw("AS") {
            Some(self.ident()?)
        } else {
            None
        };
        Ok(Selector { expr, alias })
    }

    /// `unaliasedSelector` (`selectionAddition` in Parser.g). Arithmetic becomes calls of
    /// Cassandra's operator functions (`_add`, `_substract`, `_multiply`, `_divide`,
    /// `_modulo`, and `_negate` for a unary minus), as for terms.
    fn selector_expr(&mut self) -> PResult<SelectorExpr> {
        self.nested(|p| {
            let mut left = p.selector_multiplication()?;
            loop {
                let name = match p.peek(0) {
                    Tok::Sym("+") => "_add",
                    Tok::Sym("-") => "_substract",
                    _ => return Ok(left),
                };
                p.bump();
                p.grow_chain()?;
                let right = p.selector_multiplication()?;
                left = operation(name, vec![left, right]);
            }
        })
    }

    fn selector_multiplication(&mut self) -> PResult<SelectorExpr> {
        let mut left = self.selector_group()?;
        loop {
            let name = match self.peek(0) {
                Tok::Sym("*") => "_multiply",
                Tok::Sym("/") => "_divide",
                Tok::Sym("%") => "_modulo",
                _ => return Ok(left),
            };
            self.bump();
            self.grow_chain()?;
            let right = self.selector_group()?;
            left = operation(name, vec![left, right]);
        }
    }

    /// `selectionGroup`: `-x`, or a base selector followed by `.field` accesses.
    fn selector_group(&mut self) -> PResult<SelectorExpr> {
        if self.is_sym("-") && !self.negative_literal_follows() {
            self.bump();
            let inner = self.nested(Self::selector_group)?;
            return Ok(operation("_negate", vec![inner]));
        }
        let mut expr = self.selector_base()?;
        // `selectorModifier`: `.field` and `[element]` / `[from..to]`, chained.
        loop {
            if self.eat_sym(".") {
                let field = self.ident()?;
                expr = SelectorExpr::Field(Box::new(expr), field);
            } else if self.eat_sym("[") {
                expr = self.collection_sub_selection(expr)?;
                self.expect_sym("]")?;
            } else {
                return Ok(expr);
            }
        }
    }

    /// `collectionSubSelection`: `term`, `term..`, `term..term` or `..term`.
    fn collection_sub_selection(&mut self, receiver: SelectorExpr) -> PResult<SelectorExpr> {
        let receiver = Box::new(receiver);
        if self.eat_sym("..") {
            let to = self.term()?;
            return Ok(SelectorExpr::Slice(receiver, None, Some(to)));
        }
        let from = self.term()?;
        if !self.eat_sym("..") {
            return Ok(SelectorExpr::Element(receiver, from));
        }
        let to = if self.is_sym("]") {
            None
        } else {
            Some(self.term()?)
        };
        Ok(SelectorExpr::Slice(receiver, Some(from), to))
    }

    /// `-` directly followed by a number, duration, `NaN` or `Infinity` (a signed literal).
    fn negative_literal_follows(&self) -> bool {
        match self.peek(1) {
            Tok::Integer(_) | Tok::Float(_) | Tok::Duration(_) => true,
            Tok::Word(w) => w.eq_ignore_ascii_case("nan") || w.eq_ignore_ascii_case("infinity"),
            _ => false,
        }
    }

    /// `(type) term`, `(selector)` or a tuple of terms.
    fn paren_selector(&mut self) -> PResult<SelectorExpr> {
        let m = self.mark();
        // A cast or a tuple of several terms is a term; `(x)` is just a grouped selector.
        match self.term_operand() {
            Ok(t @ Term::Cast(..)) => return Ok(SelectorExpr::Term(t)),
            Ok(Term::Tuple(items)) if items.len() > 1 => {
                return Ok(SelectorExpr::Term(Term::Tuple(items)));
            }
            _ => {}
        }
        self.reset(m);
        self.expect_sym("(")?;
        let inner = self.selector_expr()?;
        self.expect_sym(")")?;
        Ok(inner)
    }

    fn selector_base(&mut self) -> PResult<SelectorExpr> {
        let call = self.is_sym_at(1, "(");
        if call && self.is_kw("COUNT") {
            let m = self.mark();
            self.bump();
            self.bump();
            let star = self.eat_sym("*")
                || matches!(self.peek(0), Tok::Integer(n) if n == "1") && {
                    self.bump();
                    true
                };
            if star && self.eat_sym(")") {
                return Ok(SelectorExpr::CountStar);
            }
            self.reset(m);
        }
        if call && (self.is_kw("WRITETIME") || self.is_kw("TTL")) {
            let ttl = self.is_kw("TTL");
            self.bump();
            self.bump();
            let column = self.ident()?;
            self.expect_sym(")")?;
            return Ok(if ttl {
                SelectorExpr::Ttl(column)
            } else {
                SelectorExpr::WriteTime(column)
            });
        }
        if call && self.is_kw("CAST") {
            self.bump();
            self.bump();
            let inner = self.selector_expr()?;
            self.expect_kw("AS")?;
            let typ = self.cql_type()?;
            self.expect_sym(")")?;
            return Ok(SelectorExpr::Cast(Box::new(inner), typ));
        }
        if let Some(name) = self.try_function_name() {
            self.expect_sym("(")?;
            let args = self.comma_list(")", Self::selector_expr)?;
            return Ok(SelectorExpr::Function { name, args });
        }
        if let Some(column) = self.ident_at(0) {
            self.bump();
            return Ok(SelectorExpr::Column(column));
        }
        if self.is_sym("(") {
            return self.paren_selector();
        }
        // A constant or marker; arithmetic around it is handled by the selector levels.
        self.term_operand().map(SelectorExpr::Term)
    }
}

fn operation(name: &str, args: Vec<SelectorExpr>) -> SelectorExpr {
    SelectorExpr::Function {
        name: name.to_owned(),
        args,
    }
}

impl Parser<'_> {
    // ---- WHERE ----------------------------------------------------------------------------

    /// `relation (AND relation)*`.
    pub(crate) fn where_clause(&mut self) -> PResult<Vec<Relation>> {
        let mut out = Vec::new();
        loop {
            self.relation(&mut out)?;
            if !self.eat_kw("AND") {
                return Ok(out);
            }
        }
    }

    fn relation(&mut self, out: &mut Vec<Relation>) -> PResult<()> {
        if self.is_kw("TOKEN") && self.is_sym_at(1, "(") {
            self.bump();
            let columns = self.tuple_of_identifiers()?;
            let op = self.relation_operator()?;
            let value = self.term()?;
            out.push(Relation::Token { columns, op, value });
            return Ok(());
        }
        if self.is_sym("(") {
            if self.is_tuple_of_identifiers() {
                let columns = self.tuple_of_identifiers()?;
                if self.eat_kw("IN") {
                    let values = self.multi_column_in_values()?;
                    out.push(Relation::MultiColumnIn { columns, values });
                } else {
                    let op = self.relation_operator()?;
                    let value = match self.try_marker()? {
                        Some(m) => Term::Bind(m),
                        None => self.term()?,
                    };
                    out.push(Relation::MultiColumn { columns, op, value });
                }
                return Ok(());
            }
            self.bump();
            self.nested(|p| p.relation(out))?;
            return self.expect_sym(")");
        }
        let column = self.ident()?;
        if self.eat_sym("[") {
            let key = self.term()?;
            self.expect_sym("]")?;
            let op = self.relation_operator()?;
            let value = self.term()?;
            out.push(Relation::MapEntry {
                column,
                key,
                op,
                value,
            });
            return Ok(());
        }
        if self.eat_kw("IN") {
            let values = self.in_values()?;
            out.push(Relation::In { column, values });
            return Ok(());
        }
        if self.eat_kw("IS") {
            self.expect_kw("NOT")?;
            self.expect_kw("NULL")?;
            out.push(Relation::IsNotNull { column });
            return Ok(());
        }
        let op = self.relation_operator()?;
        let value = self.term()?;
        out.push(Relation::Simple { column, op, value });
        Ok(())
    }

    /// `= < <= > >= !=`, `CONTAINS [KEY]` and `LIKE`.
    pub(crate) fn relation_operator(&mut self) -> PResult<Operator> {
        let op = match self.peek(0) {
            Tok::Sym("=") => Operator::Eq,
            Tok::Sym("!=") => Operator::Ne,
            Tok::Sym("<") => Operator::Lt,
            Tok::Sym("<=") => Operator::Le,
            Tok::Sym(">") => Operator::Gt,
            Tok::Sym(">=") => Operator::Ge,
            Tok::Word(w) if w.eq_ignore_ascii_case("LIKE") => Operator::Like,
            Tok::Word(w) if w.eq_ignore_ascii_case("CONTAINS") => {
                self.bump();
                return Ok(if self.eat_kw("KEY") {
                    Operator::ContainsKey
                } else {
                    Operator::Contains
                });
            }
            _ => return Err(self.no_viable()),
        };
        self.bump();
        Ok(op)
    }

    /// Is the cursor at `( ident, ... )` (as opposed to a parenthesised relation)?
    fn is_tuple_of_identifiers(&self) -> bool {
        let mut i = 1;
        loop {
            if self.ident_at(i).is_none() {
                return false;
            }
            i += 1;
            if self.is_sym_at(i, ")") {
                return true;
            }
            if !self.is_sym_at(i, ",") {
                return false;
            }
            i += 1;
        }
    }

    fn tuple_of_identifiers(&mut self) -> PResult<Vec<String>> {
        self.expect_sym("(")?;
        let first = self.ident()?;
        let mut out = vec![first];
        while self.eat_sym(",") {
            out.push(self.ident()?);
        }
        self.expect_sym(")")?;
        Ok(out)
    }

    /// `IN (t, ...)` or `IN ?` for a single column (also used by conditions).
    pub(crate) fn in_values(&mut self) -> PResult<InValues> {
        if let Some(m) = self.try_marker()? {
            return Ok(InValues::Bind(m));
        }
        self.expect_sym("(")?;
        self.comma_list(")", Self::term).map(InValues::List)
    }

    /// `IN ((..), (..))`, `IN (?, ?)`, `IN ()` or `IN ?` for a column tuple.
    fn multi_column_in_values(&mut self) -> PResult<InValues> {
        self.in_values()
    }
}
