//! `#[cassia(cql_type = "...")]`: parses a CQL type name at compile time into code that
//! builds the runtime `CqlType`, so a typo is a compile error, not a failed CREATE TABLE.

use proc_macro2::TokenStream;
use quote::quote;

/// Code for the `CqlType` spelled `text`, or a message saying what is wrong.
pub(crate) fn parse(text: &str) -> Result<TokenStream, String> {
    let mut p = Parser { rest: text.trim() };
    let t = p.ty()?;
    if p.rest.trim().is_empty() {
        Ok(t)
    } else {
        Err(format!("unexpected `{}` after the type", p.rest.trim()))
    }
}

struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn word(&mut self) -> String {
        self.rest = self.rest.trim_start();
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest.len());
        let (w, tail) = self.rest.split_at(end);
        self.rest = tail;
        w.to_ascii_lowercase()
    }

    fn eat(&mut self, c: char) -> bool {
        self.rest = self.rest.trim_start();
        match self.rest.strip_prefix(c) {
            Some(tail) => {
                self.rest = tail;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected `{c}`"))
        }
    }

    fn args(&mut self) -> Result<Vec<TokenStream>, String> {
        self.expect('<')?;
        let mut out = vec![self.ty()?];
        while self.eat(',') {
            out.push(self.ty()?);
        }
        self.expect('>')?;
        Ok(out)
    }

    fn ty(&mut self) -> Result<TokenStream, String> {
        let c = quote!(::cassia::__private::CqlType);
        let word = self.word();
        let simple = |v: TokenStream| Ok(quote!(#c::#v));
        match word.as_str() {
            "ascii" => simple(quote!(Ascii)),
            "bigint" => simple(quote!(BigInt)),
            "blob" => simple(quote!(Blob)),
            "boolean" => simple(quote!(Boolean)),
            "counter" => simple(quote!(Counter)),
            "date" => simple(quote!(Date)),
            "decimal" => simple(quote!(Decimal)),
            "double" => simple(quote!(Double)),
            "duration" => simple(quote!(Duration)),
            "float" => simple(quote!(Float)),
            "inet" => simple(quote!(Inet)),
            "int" => simple(quote!(Int)),
            "smallint" => simple(quote!(SmallInt)),
            "text" | "varchar" => simple(quote!(Text)),
            "time" => simple(quote!(Time)),
            "timestamp" => simple(quote!(Timestamp)),
            "timeuuid" => simple(quote!(Timeuuid)),
            "tinyint" => simple(quote!(TinyInt)),
            "uuid" => simple(quote!(Uuid)),
            "varint" => simple(quote!(Varint)),
            "list" | "set" | "frozen" => {
                let mut a = self.args()?;
                let (Some(e), true) = (a.pop(), a.is_empty()) else {
                    return Err(format!("`{word}` takes one type argument"));
                };
                let e = quote!(::std::boxed::Box::new(#e));
                Ok(match word.as_str() {
                    "list" => quote!(#c::List(#e)),
                    "set" => quote!(#c::Set(#e)),
                    _ => quote!(#c::Frozen(#e)),
                })
            }
            "map" => {
                let a = self.args()?;
                let [k, v] = <[TokenStream; 2]>::try_from(a)
                    .map_err(|_| "`map` takes two type arguments".to_owned())?;
                Ok(quote!(#c::Map(::std::boxed::Box::new(#k), ::std::boxed::Box::new(#v))))
            }
            "tuple" => {
                let a = self.args()?;
                Ok(quote!(#c::Tuple(::std::vec![#(#a),*])))
            }
            "vector" => {
                self.expect('<')?;
                let e = self.ty()?;
                self.expect(',')?;
                let n = self.word();
                let n: u32 = n
                    .parse()
                    .map_err(|_| format!("vector dimension `{n}` is not a number"))?;
                self.expect('>')?;
                Ok(quote!(#c::Vector(::std::boxed::Box::new(#e), #n)))
            }
            "" => Err("expected a CQL type name".to_owned()),
            other => Err(format!(
                "unknown CQL type `{other}`; for a user type use a field type that derives `UserType`"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_nested_types_and_rejects_unknown() {
        let t = parse("map<text, frozen<list<int>>>").map(|t| t.to_string());
        assert!(t.is_ok_and(|t| t.contains("Map") && t.contains("Frozen")));
        assert!(parse("vector<float, 3>").is_ok());
        assert_eq!(
            parse("strnig").err().as_deref(),
            Some(
                "unknown CQL type `strnig`; for a user type use a field type that derives `UserType`"
            )
        );
        assert_eq!(parse("list<int").err().as_deref(), Some("expected `>`"));
    }
}
