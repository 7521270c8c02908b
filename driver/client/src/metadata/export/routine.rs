//! `CREATE TYPE`, `CREATE FUNCTION` and `CREATE AGGREGATE` statements.

use cassia_protocol::cql::{quote_identifier, quote_string};

use crate::metadata::routine::{AggregateMetadata, FunctionMetadata, UserTypeMetadata};

pub(super) fn type_cql(t: &UserTypeMetadata, name: &str) -> String {
    let fields: Vec<String> = t
        .fields
        .iter()
        .map(|(f, typ)| format!("    {} {typ}", quote_identifier(f)))
        .collect();
    format!("CREATE TYPE {name} (\n{}\n);\n", fields.join(",\n"))
}

pub(super) fn function_cql(f: &FunctionMetadata, name: &str) -> String {
    let arguments: Vec<String> = f
        .argument_names
        .iter()
        .zip(&f.argument_types)
        .map(|(n, t)| format!("{} {t}", quote_identifier(n)))
        .collect();
    let on_null = if f.called_on_null_input {
        "CALLED ON NULL INPUT"
    } else {
        "RETURNS NULL ON NULL INPUT"
    };
    // A `$$` string cannot contain `$$`; such a body is written as a quoted string.
    let body = if f.body.contains("$$") {
        quote_string(&f.body)
    } else {
        format!("$${}$$", f.body)
    };
    format!(
        "CREATE FUNCTION {name}({})\n    {on_null}\n    RETURNS {}\n    LANGUAGE {}\n    AS {body};\n",
        arguments.join(", "),
        f.return_type,
        f.language
    )
}

pub(super) fn aggregate_cql(a: &AggregateMetadata, name: &str) -> String {
    let mut out = format!(
        "CREATE AGGREGATE {name}({})\n    SFUNC {}\n    STYPE {}",
        a.argument_types.join(", "),
        quote_identifier(&a.state_func),
        a.state_type
    );
    if let Some(f) = &a.final_func {
        out.push_str(&format!("\n    FINALFUNC {}", quote_identifier(f)));
    }
    // Stored as a CQL literal already (`0`, `(0, 0)`, `'x'`).
    if let Some(init) = &a.initcond {
        out.push_str(&format!("\n    INITCOND {init}"));
    }
    out.push_str(";\n");
    out
}
