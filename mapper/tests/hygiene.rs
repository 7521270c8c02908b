//! The derives expand to code that names everything by absolute path: they compile in a
//! module without the prelude, next to user items that shadow common names.

#![no_implicit_prelude]
#![allow(dead_code)]

mod shadowing {
    // Names a careless expansion would pick up instead of the real ones.
    pub struct Option;
    pub struct Result;
    pub struct Vec;
    pub struct String;
    pub trait Model {}
    pub fn fields() {}
}

mod models {
    #[allow(unused_imports)]
    use super::shadowing::*;
    use ::cassia::{CqlEnum, FromRow, Model, SerializeRow, UserType};

    #[derive(::std::fmt::Debug, UserType)]
    pub struct Point {
        pub x: i32,
        pub fields: ::std::option::Option<i32>,
    }

    #[derive(::std::fmt::Debug, CqlEnum)]
    pub enum Mood {
        Happy,
        Sad,
    }

    #[derive(::std::fmt::Debug, CqlEnum)]
    #[cassia(repr = "int")]
    pub enum Rank {
        A = 1,
        B,
    }

    #[derive(::std::fmt::Debug, Model)]
    #[cassia(keyspace = "ks", comment = "hygiene")]
    pub struct Thing {
        #[cassia(partition_key)]
        pub id: i32,
        #[cassia(clustering_key, order = "desc")]
        pub at: i64,
        pub point: ::std::option::Option<Point>,
        pub mood: Mood,
        pub rank: Rank,
        pub tags: ::std::vec::Vec<::std::string::String>,
    }

    #[derive(::std::fmt::Debug, Model)]
    #[cassia(table = "things", discriminator = "kind", value = "a")]
    pub struct A {
        #[cassia(partition_key)]
        pub id: i32,
    }

    #[derive(::std::fmt::Debug, Model)]
    #[cassia(discriminator = "kind")]
    pub enum AnyThing {
        A(A),
    }

    #[derive(::std::fmt::Debug, ::std::default::Default)]
    pub struct Note;

    #[derive(::std::fmt::Debug, FromRow, SerializeRow)]
    pub struct Projection<'a, T> {
        pub id: i32,
        #[cassia(rename = "name")]
        pub columns: ::std::option::Option<::std::string::String>,
        #[cassia(default)]
        pub out: ::std::vec::Vec<T>,
        #[cassia(skip)]
        pub note: Note,
        #[cassia(skip)]
        pub borrowed: ::std::option::Option<&'a str>,
    }

    #[derive(::std::fmt::Debug, SerializeRow)]
    pub struct Borrowed<'a> {
        pub spec: &'a str,
        pub cells: ::std::option::Option<&'a [i32]>,
    }
}

#[test]
fn derives_compile_without_prelude() {
    use ::cassia::Model;
    let schema = <models::Thing as Model>::schema();
    ::std::assert_eq!(schema.name, "thing");
    ::std::assert_eq!(schema.columns.len(), 6);
    ::std::assert_eq!(<models::AnyThing as Model>::schema().columns.len(), 2);
    let row = models::Borrowed {
        spec: "x",
        cells: ::std::option::Option::None,
    };
    ::std::assert!(!::cassia::SerializeRow::is_empty(&row));
    fn reads<R: ::cassia::FromRow>() {}
    reads::<models::Projection<'static, i64>>();
}
