//! The order in which Cassandra 4.0 prints the aliases of a `DynamicCompositeType(...)`.
//!
//! `TypeParser.getAliasParameters` collects the aliases in a `java.util.HashMap<Byte, ...>`
//! and `DynamicCompositeType.toString` prints that map's entries in iteration order, so the
//! order written does not survive: a `Byte`'s hash is its value, and a HashMap iterates by
//! bucket (`hash & (capacity - 1)`), then by insertion within a bucket. With the default
//! capacity of 16 (grown to 32, 64, 128 past 12, 24, 48 entries), `s` (115, bucket 3) comes
//! before `i` (105, bucket 9) however they were written. A repeated alias keeps its first
//! place and takes the last type, as `HashMap.put` does.

/// The class whose parameters are aliases, as `qualify` leaves it.
const DYNAMIC: &str = "org.apache.cassandra.db.marshal.DynamicCompositeType(";

/// `qualified` (blanks already removed) with the aliases of every `DynamicCompositeType`,
/// nested ones included, in the order Cassandra prints them. A parameter list that does not
/// read as `c=>type,...` is left as written.
pub(super) fn order_aliases(qualified: &str) -> String {
    let mut out = String::with_capacity(qualified.len());
    let mut rest = qualified;
    while let Some(at) = rest.find(DYNAMIC) {
        let open = at + DYNAMIC.len();
        out.push_str(&rest[..open]);
        let params = &rest[open..];
        let Some(close) = closing_paren(params) else {
            out.push_str(params);
            return out;
        };
        match aliases(&params[..close]) {
            Some(entries) => {
                let printed: Vec<String> = entries
                    .into_iter()
                    .map(|(alias, typ)| format!("{alias}=>{}", order_aliases(typ)))
                    .collect();
                out.push_str(&printed.join(","));
            }
            None => out.push_str(&order_aliases(&params[..close])),
        }
        out.push(')');
        rest = &params[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The index of the `)` closing a list whose `(` was just before `text`.
fn closing_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The `alias=>type` entries of `list`, in HashMap iteration order; `None` unless every
/// entry has a one-character alias.
fn aliases(list: &str) -> Option<Vec<(char, &str)>> {
    let mut entries: Vec<(char, &str)> = Vec::new();
    for item in top_level_items(list) {
        let (alias, typ) = item.split_once("=>")?;
        let mut chars = alias.chars();
        let (Some(alias), None) = (chars.next(), chars.next()) else {
            return None;
        };
        match entries.iter_mut().find(|(a, _)| *a == alias) {
            Some(entry) => entry.1 = typ,
            None => entries.push((alias, typ)),
        }
    }
    // The table grows (doubling from 16) once it holds more than three quarters of its size.
    let mut capacity = 16usize;
    while entries.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    // A stable sort keeps insertion order within a bucket.
    entries.sort_by_key(|(alias, _)| (*alias as usize) & (capacity - 1));
    Some(entries)
}

/// `list` split on the commas outside parentheses (none for an empty list).
fn top_level_items(list: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !list.is_empty() {
        items.push(&list[start..]);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = "org.apache.cassandra.db.marshal.";

    fn dct(params: &str) -> String {
        format!("{M}DynamicCompositeType({params})")
    }

    #[test]
    fn aliases_come_out_in_hash_map_order() {
        let utf8 = format!("{M}UTF8Type");
        let int = format!("{M}Int32Type");
        let expected = dct(&format!("s=>{utf8},i=>{int}"));
        assert_eq!(
            order_aliases(&dct(&format!("i=>{int},s=>{utf8}"))),
            expected
        );
        assert_eq!(order_aliases(&expected), expected);
        // Same bucket (97 and 113 are both 1 modulo 16): written order; `a` before `b`.
        assert_eq!(
            order_aliases(&dct(&format!("q=>{int},b=>{int},a=>{utf8}"))),
            dct(&format!("q=>{int},a=>{utf8},b=>{int}"))
        );
        // A repeated alias keeps its place and takes the last type.
        assert_eq!(
            order_aliases(&dct(&format!("b=>{int},a=>{int},b=>{utf8}"))),
            dct(&format!("a=>{int},b=>{utf8}"))
        );
    }

    #[test]
    fn nested_and_odd_lists() {
        let inner = dct(&format!("z=>{M}Int32Type,c=>{M}UTF8Type"));
        let nested = format!("{M}CompositeType({inner},{M}Int32Type)");
        let sorted_inner = dct(&format!("c=>{M}UTF8Type,z=>{M}Int32Type"));
        assert_eq!(
            order_aliases(&nested),
            format!("{M}CompositeType({sorted_inner},{M}Int32Type)")
        );
        assert_eq!(order_aliases(&dct("")), dct(""));
        assert_eq!(order_aliases(&dct("ab=>x")), dct("ab=>x"));
        assert_eq!(order_aliases(&dct("a=>x")).len(), dct("a=>x").len());
        assert_eq!(
            order_aliases("broken(DynamicCompositeType("),
            "broken(DynamicCompositeType("
        );
    }
}
