//! User types, functions and aggregates: [`UserTypeMetadata`], [`FunctionMetadata`],
//! [`AggregateMetadata`].

/// A user type as `system_schema.types` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserTypeMetadata {
    /// Keyspace name.
    pub keyspace: String,
    /// Type name (unquoted).
    pub name: String,
    /// Fields in declaration order, as `(name, CQL type)`; parse a field's type with
    /// [`KeyspaceMetadata::parse_type`](super::KeyspaceMetadata::parse_type).
    pub fields: Vec<(String, String)>,
}

impl UserTypeMetadata {
    /// A user type.
    pub fn new(
        keyspace: impl Into<String>,
        name: impl Into<String>,
        fields: Vec<(String, String)>,
    ) -> Self {
        UserTypeMetadata {
            keyspace: keyspace.into(),
            name: name.into(),
            fields,
        }
    }
}

/// A user-defined function as `system_schema.functions` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionMetadata {
    /// Keyspace name.
    pub keyspace: String,
    /// Function name.
    pub name: String,
    /// Argument names, in order.
    pub argument_names: Vec<String>,
    /// Argument CQL types, in order (with the name, the function's signature).
    pub argument_types: Vec<String>,
    /// The CQL type it returns.
    pub return_type: String,
    /// `java`, `javascript`, ...
    pub language: String,
    /// The source code.
    pub body: String,
    /// `CALLED ON NULL INPUT` (true) or `RETURNS NULL ON NULL INPUT` (false).
    pub called_on_null_input: bool,
}

/// A user-defined aggregate as `system_schema.aggregates` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AggregateMetadata {
    /// Keyspace name.
    pub keyspace: String,
    /// Aggregate name.
    pub name: String,
    /// Argument CQL types, in order.
    pub argument_types: Vec<String>,
    /// The state function (`SFUNC`), in the same keyspace.
    pub state_func: String,
    /// The state's CQL type (`STYPE`).
    pub state_type: String,
    /// The final function (`FINALFUNC`), if any.
    pub final_func: Option<String>,
    /// The initial state as a CQL literal (`INITCOND`), if any.
    pub initcond: Option<String>,
    /// The CQL type it returns.
    pub return_type: String,
}
