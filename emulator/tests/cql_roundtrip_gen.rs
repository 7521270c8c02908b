//! Generated round-trip test for `Display`: random terms and types (in the shapes the parser
//! produces, with awkward names and literals) are rendered inside statements and must parse
//! back to the same tree.

use cassia_emulator::cql::ast::*;
use cassia_emulator::cql::parse_statement;

struct Gen {
    state: u32,
    markers: usize,
}

const NAMES: &[&str] = &[
    "a",
    "Mixed",
    "select",
    "key",
    "p1d",
    "with space",
    "quote\"d",
    "",
    "json",
    "ttl",
    "_x",
    "token",
    "nan",
    "x1",
];
const FUNCTIONS: &[&str] = &[
    "now",
    "ks.fn",
    "Quoted",
    "token",
    "count",
    "tojson",
    "\"odd\".f",
];

impl Gen {
    fn next(&mut self, bound: usize) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 17;
        self.state ^= self.state << 5;
        usize::try_from(self.state).unwrap_or(0) % bound.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }

    fn name(&mut self) -> String {
        self.pick(NAMES).to_owned()
    }

    fn marker(&mut self) -> Term {
        let name = (self.next(2) == 0).then(|| self.name());
        let m = BindMarker {
            index: self.markers,
            name,
        };
        self.markers += 1;
        Term::Bind(m)
    }

    fn number(&mut self) -> Literal {
        let ints = [
            "0",
            "42",
            "-7",
            "123456789012345678901234567890",
            "-9223372036854775808",
        ];
        let floats = [
            "1.5",
            "-2e3",
            "1E+3",
            "NaN",
            "Infinity",
            "-Infinity",
            "0.0",
            "3.",
        ];
        let durations = [
            "1h30m",
            "-P2W",
            "P1Y2M3DT4H",
            "1y2mo3w4d5h6m7s8ms9us10ns",
            "-1d",
        ];
        match self.next(3) {
            0 => Literal::Integer(self.pick(&ints).to_owned()),
            1 => Literal::Float(self.pick(&floats).to_owned()),
            _ => Literal::Duration(self.pick(&durations).to_owned()),
        }
    }

    fn literal(&mut self) -> Literal {
        match self.next(7) {
            0 => Literal::Null,
            1 => Literal::Bool(self.next(2) == 0),
            2 => Literal::String(
                self.pick(&["", "it's", "a\nb", "héllo ✓ 🚀", "''", "$$"])
                    .to_owned(),
            ),
            3 => {
                let bytes: Vec<u8> = (0..self.next(4)).map(|i| (i * 77) as u8).collect();
                // Mixed-case digits: the text as written must survive the round trip.
                let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                let text = format!("0x{}", digits.replacen('d', "D", 1));
                Literal::Blob(bytes, text)
            }
            4 => Literal::Uuid(uuid::Uuid::from_u128(u128::from(self.state) << 64 | 0x4000)),
            _ => self.number(),
        }
    }

    fn typ(&mut self, depth: usize) -> CqlType {
        let natives = [
            NativeType::Ascii,
            NativeType::BigInt,
            NativeType::Blob,
            NativeType::Boolean,
            NativeType::Counter,
            NativeType::Date,
            NativeType::Decimal,
            NativeType::Double,
            NativeType::Duration,
            NativeType::Float,
            NativeType::Inet,
            NativeType::Int,
            NativeType::SmallInt,
            NativeType::Text,
            NativeType::Time,
            NativeType::Timestamp,
            NativeType::Timeuuid,
            NativeType::TinyInt,
            NativeType::Uuid,
            NativeType::Varint,
        ];
        if depth == 0 {
            return CqlType::Native(natives[self.next(natives.len())]);
        }
        match self.next(9) {
            0 => CqlType::List(Box::new(self.typ(depth - 1))),
            1 => CqlType::Set(Box::new(self.typ(depth - 1))),
            2 => CqlType::Map(Box::new(self.typ(depth - 1)), Box::new(self.typ(depth - 1))),
            3 => CqlType::Tuple((0..1 + self.next(3)).map(|_| self.typ(depth - 1)).collect()),
            4 => CqlType::Frozen(Box::new(self.typ(depth - 1))),
            5 => CqlType::UserType(QualifiedName {
                keyspace: (self.next(2) == 0).then(|| "Ks".to_owned()),
                name: self.pick(&["addr", "Addr", "my type"]).to_owned(),
            }),
            6 => CqlType::Vector(Box::new(self.typ(depth - 1)), 1 + self.next(5) as u32),
            7 => CqlType::Custom("org.apache.cassandra.db.marshal.LexicalUUIDType".to_owned()),
            _ => CqlType::Native(natives[self.next(natives.len())]),
        }
    }

    /// A term without arithmetic at its top (what a cast, a negation or `*` takes).
    fn simple(&mut self, depth: usize) -> Term {
        let choice = if depth == 0 {
            self.next(2)
        } else {
            self.next(11)
        };
        match choice {
            0 => Term::Literal(self.literal()),
            1 => self.marker(),
            2 => Term::List((0..self.next(3)).map(|_| self.term(depth - 1)).collect()),
            3 => Term::Set(
                (0..1 + self.next(3))
                    .map(|_| self.term(depth - 1))
                    .collect(),
            ),
            4 => Term::Map(
                (0..self.next(3))
                    .map(|_| (self.term(depth - 1), self.term(depth - 1)))
                    .collect(),
            ),
            5 => {
                // `('text')` followed by a term reads as a cast to a custom type, in
                // Cassandra too, so single-element tuples of strings are left out.
                let mut items: Vec<Term> = (0..1 + self.next(3))
                    .map(|_| self.term(depth - 1))
                    .collect();
                if let [Term::Literal(Literal::String(_))] = items.as_slice() {
                    items.push(Term::Literal(Literal::Null));
                }
                Term::Tuple(items)
            }
            6 => Term::Udt(
                (0..1 + self.next(3))
                    .map(|_| (self.name(), self.term(depth - 1)))
                    .collect(),
            ),
            7 => {
                let name = self.pick(FUNCTIONS).replace('"', "");
                Term::Function {
                    name,
                    args: (0..self.next(3)).map(|_| self.term(depth - 1)).collect(),
                }
            }
            8 => {
                let typ = self.typ(2);
                Term::Cast(typ, Box::new(self.simple(depth - 1)))
            }
            9 => {
                // Numbers fold their sign into the literal, so negate something else.
                let inner = match self.simple(depth - 1) {
                    Term::Literal(
                        Literal::Integer(_) | Literal::Float(_) | Literal::Duration(_),
                    ) => self.marker(),
                    other => other,
                };
                Term::Negate(Box::new(inner))
            }
            _ => Term::Literal(self.number()),
        }
    }

    /// An operand of arithmetic (tuples are left out: `(x) - 1` reads as a cast in CQL too).
    fn operand(&mut self, depth: usize) -> Term {
        loop {
            let markers = self.markers;
            let t = self.simple(depth);
            if !matches!(t, Term::Tuple(_)) {
                return t;
            }
            self.markers = markers;
        }
    }

    fn term(&mut self, depth: usize) -> Term {
        if depth == 0 || self.next(4) != 0 {
            return self.simple(depth);
        }
        // A left-deep chain with `*` binding tighter than `+`.
        let mut sum = self.product(depth);
        for _ in 0..self.next(3) {
            let name = self.pick(&["_add", "_substract"]).to_owned();
            let right = self.product(depth);
            sum = Term::Function {
                name,
                args: vec![sum, right],
            };
        }
        sum
    }

    fn product(&mut self, depth: usize) -> Term {
        let mut p = self.operand(depth - 1);
        for _ in 0..self.next(3) {
            let name = self.pick(&["_multiply", "_divide", "_modulo"]).to_owned();
            let right = self.operand(depth - 1);
            p = Term::Function {
                name,
                args: vec![p, right],
            };
        }
        p
    }
}

impl Gen {
    /// A selector in the shapes the parser produces.
    fn selector(&mut self, depth: usize) -> SelectorExpr {
        let choice = if depth == 0 {
            self.next(5)
        } else {
            self.next(12)
        };
        match choice {
            0 => SelectorExpr::Column(self.name()),
            1 => SelectorExpr::CountStar,
            2 => SelectorExpr::WriteTime(self.name()),
            3 => SelectorExpr::Ttl(self.name()),
            4 => SelectorExpr::Term(Term::Literal(self.literal())),
            5 => {
                let name = self
                    .pick(&["now", "ks.fn", "Quoted", "token", "count", "ttl", "cast"])
                    .to_owned();
                let args: Vec<SelectorExpr> = (0..self.next(3))
                    .map(|_| self.selector(depth - 1))
                    .collect();
                // `count(*)` / `count(1)` are CountStar.
                match (&*name, &args) {
                    ("count", a) if a.is_empty() => SelectorExpr::CountStar,
                    _ => SelectorExpr::Function { name, args },
                }
            }
            6 => SelectorExpr::Cast(Box::new(self.selector(depth - 1)), self.typ(1)),
            7 => SelectorExpr::Field(Box::new(self.selector(depth - 1)), self.name()),
            8 => {
                let markers = self.markers;
                let inner = match self.selector(depth - 1) {
                    // A signed literal would fold into the number.
                    SelectorExpr::Term(_) => {
                        self.markers = markers;
                        SelectorExpr::Column(self.name())
                    }
                    other => other,
                };
                SelectorExpr::Function {
                    name: "_negate".to_owned(),
                    args: vec![inner],
                }
            }
            9 => {
                let name = self
                    .pick(&["_add", "_substract", "_multiply", "_divide", "_modulo"])
                    .to_owned();
                SelectorExpr::Function {
                    name,
                    args: vec![self.selector(depth - 1), self.selector(depth - 1)],
                }
            }
            10 => SelectorExpr::Term(self.simple(depth - 1)),
            _ => SelectorExpr::Column(self.name()),
        }
    }
}

/// Drops shapes the parser never builds: `count(1)`, terms that would re-read as selector
/// syntax (negations, calls), one-element tuples.
fn producible(expr: &SelectorExpr) -> bool {
    match expr {
        SelectorExpr::Function { name, args } => {
            !(name == "count"
                && matches!(args.as_slice(), [SelectorExpr::Term(Term::Literal(Literal::Integer(n)))] if n == "1"))
                && args.iter().all(producible)
        }
        SelectorExpr::Cast(inner, _) | SelectorExpr::Field(inner, _) => producible(inner),
        SelectorExpr::Term(t) => match t {
            Term::Negate(_) | Term::Function { .. } => false,
            Term::Tuple(items) => items.len() > 1,
            Term::Literal(Literal::Integer(_) | Literal::Float(_) | Literal::Duration(_)) => true,
            _ => true,
        },
        _ => true,
    }
}

#[test]
fn generated_selects_round_trip() {
    let mut g = Gen {
        state: 0x1234_5678,
        markers: 0,
    };
    let mut failures = Vec::new();
    for _ in 0..3000 {
        g.markers = 0;
        let mut selectors = Vec::new();
        while selectors.len() < 1 + g.next(3) {
            let markers = g.markers;
            let expr = g.selector(3);
            if producible(&expr) {
                let alias = (g.next(3) == 0).then(|| g.name());
                selectors.push(Selector { expr, alias });
            } else {
                g.markers = markers;
            }
        }
        let select = Statement::Select(Select {
            table: QualifiedName {
                keyspace: None,
                name: g.name(),
            },
            json: g.next(2) == 0,
            distinct: g.next(2) == 0,
            selection: Selection::Selectors(selectors),
            where_clause: vec![
                Relation::Simple {
                    column: g.name(),
                    op: Operator::Eq,
                    value: g.term(2),
                },
                Relation::MapEntry {
                    column: g.name(),
                    key: g.term(1),
                    op: Operator::Lt,
                    value: g.term(1),
                },
                Relation::In {
                    column: g.name(),
                    values: InValues::List(vec![g.term(1), g.term(1)]),
                },
                Relation::MultiColumn {
                    columns: vec![g.name(), g.name()],
                    op: Operator::Ge,
                    value: Term::Tuple(vec![g.term(1), g.term(1)]),
                },
            ],
            group_by: vec![g.name()],
            order_by: vec![(g.name(), Order::Desc)],
            ann_order: Vec::new(),
            per_partition_limit: None,
            limit: Some(g.marker()),
            allow_filtering: g.next(2) == 0,
        });
        let shown = select.to_string();
        match parse_statement(&shown) {
            Ok(back) if back == select => {}
            Ok(back) => failures.push(format!(
                "{shown}\n  reads back as\n{back}\n{select:?}\n{back:?}"
            )),
            Err(e) => failures.push(format!("{shown}\n  fails: {e}")),
        }
    }
    failures.truncate(3);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn generated_terms_and_types_round_trip() {
    let mut g = Gen {
        state: 0x2545_F491,
        markers: 0,
    };
    let mut failures = Vec::new();
    for i in 0..3000 {
        g.markers = 0;
        let statement = match i % 3 {
            0 => Statement::Insert(Insert {
                table: QualifiedName {
                    keyspace: Some(g.name()),
                    name: g.name(),
                },
                columns: vec![g.name(), g.name()],
                values: vec![g.term(3), g.term(3)],
                json: None,
                if_not_exists: false,
                using: Using::default(),
            }),
            1 => Statement::Update(Update {
                table: QualifiedName {
                    keyspace: None,
                    name: g.name(),
                },
                using: Using::default(),
                assignments: vec![
                    Assignment::Set {
                        column: g.name(),
                        value: g.term(3),
                    },
                    Assignment::Add {
                        column: "c".to_owned(),
                        value: g.term(2),
                    },
                    Assignment::Prepend {
                        column: "l".to_owned(),
                        value: g.term(2),
                    },
                ],
                where_clause: vec![Relation::Simple {
                    column: g.name(),
                    op: Operator::Ge,
                    value: g.term(2),
                }],
                condition: None,
            }),
            _ => Statement::CreateTable(CreateTable {
                name: QualifiedName {
                    keyspace: None,
                    name: g.name(),
                },
                if_not_exists: false,
                columns: vec![
                    ColumnDef {
                        name: "k".to_owned(),
                        typ: g.typ(3),
                        is_static: false,
                        primary_key: false,
                    },
                    ColumnDef {
                        name: g.name(),
                        typ: g.typ(3),
                        is_static: true,
                        primary_key: false,
                    },
                ],
                partition_key: vec!["k".to_owned()],
                clustering: vec![],
                clustering_order: vec![],
                compact_storage: false,
                options: vec![],
            }),
        };
        let shown = statement.to_string();
        match parse_statement(&shown) {
            Ok(back) if back == statement => {}
            Ok(back) => failures.push(format!(
                "{shown}\n  reads back as\n{back}\n{statement:?}\n{back:?}"
            )),
            Err(e) => failures.push(format!("{shown}\n  fails: {e}")),
        }
    }
    failures.truncate(3);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
