//! Stable codes for every problem a spec can have: shown in reports (`error[S202]`) and in
//! `--error-format json`, so that editors, CI and docs can refer to a problem by its code. A code
//! is never renumbered or reused; a retired problem keeps its number out of use.

macro_rules! codes {
    ($($name:ident = $code:literal: $summary:literal,)*) => {
        /// One kind of problem in a spec.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $summary] $name,)*
        }

        impl Code {
            /// Every code, in number order.
            pub const ALL: &[Code] = &[$(Code::$name,)*];

            /// The code as reports show it, e.g. `S202`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }

            /// One line on the problem, as `docs/diagnostics.md` lists it.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$name => $summary,)*
                }
            }
        }
    };
}

codes! {
    // S0xx: the file and its YAML.
    TooLarge = "S001": "the spec is larger than 1 MiB",
    NotUtf8 = "S002": "the spec is not valid UTF-8",
    AliasExpansion = "S003": "YAML aliases expand too far",
    TooManyValues = "S004": "the spec holds more than 100,000 YAML values",
    InvalidYaml = "S005": "the text is not valid YAML",
    MultipleDocuments = "S006": "the spec holds more than one YAML document",
    TooDeep = "S007": "the spec nests deeper than 32 levels",
    DuplicateKey = "S008": "a mapping has the same key twice",
    OddCharacter = "S009": "a control, invisible or bidirectional character in the spec",
    Empty = "S010": "the spec is empty",
    NotMapping = "S011": "the spec is not a mapping",
    Shape = "S012": "a value is not in the shape of a spec",
    WrongType = "S013": "a value has the wrong type",
    // S1xx: the top level.
    UnknownKey = "S100": "a key the spec format does not have",
    MissingName = "S101": "no `name`",
    InvalidName = "S102": "`name` is not a valid project name",
    NoOperations = "S103": "no resources and no routes",
    UnknownTarget = "S104": "`target` is not a known target",
    InvalidDescription = "S105": "a `description` that is blank, too long or holds control characters",
    InvalidLicense = "S106": "`license` is not an SPDX license expression",
    UnknownLanguage = "S107": "`language` is not a known language",
    // S2xx: `auth` and each operation's access.
    MissingProvider = "S201": "no `auth.provider`",
    UnknownProvider = "S202": "`auth.provider` is not a known provider",
    GatewaySetting = "S203": "a setting `api-gateway-jwt` does not take",
    JwtOnlySetting = "S204": "a JWT setting given to a provider other than `jwt`",
    MissingSetting = "S205": "a setting the provider needs is missing",
    InvalidEnvName = "S206": "`env:NAME` with an invalid variable name",
    InvalidSetting = "S207": "an invalid issuer, audience or JWKS URL",
    RefusedAlgorithm = "S208": "a JWT algorithm that is not accepted (symmetric, `none`, unknown)",
    AlgorithmTwice = "S209": "a JWT algorithm listed twice",
    NoAlgorithms = "S210": "`auth.algorithms` is empty",
    InvalidRolesClaim = "S211": "`auth.roles_claim` is not a claim name",
    ClockSkew = "S212": "`auth.clock_skew_seconds` is too large",
    AuthWithoutProvider = "S213": "an operation requires auth while the provider is `none`",
    InvalidAccess = "S214": "an operation's `auth` is neither `required` nor `none`",
    RolesOnPublic = "S215": "roles on a public operation",
    InvalidRole = "S216": "a role name with characters other than letters, digits, `-`, `_`",
    RoleTwice = "S217": "a role listed twice",
    // S3xx: what every operation shares (base path, CORS, limits, headers).
    InvalidBasePath = "S301": "`base_path` is not a path like `/api`",
    NoOrigins = "S302": "`cors` lists no origins",
    InvalidOrigin = "S303": "a CORS origin that is not an exact origin",
    OriginTwice = "S304": "a CORS origin listed twice",
    CorsMaxAge = "S305": "`cors.max_age_seconds` is over a day",
    BodyLimit = "S306": "`limits.body_bytes` is out of range",
    InvalidHeaderName = "S307": "a header name with characters other than letters, digits, `-`",
    HeaderTwice = "S308": "a header set twice",
    ManagedHeader = "S309": "a header the dispatcher sets itself",
    ServerHeader = "S310": "a header that advertises the server's software",
    NotSharedHeader = "S311": "`null` for a header that is not a shared one",
    InvalidHeaderValue = "S312": "a header value that is empty or not printable ASCII",
    HeaderTooLong = "S313": "a header name or value that is too long",
    XssProtection = "S314": "`X-XSS-Protection` other than `0`",
    // S4xx: resources and their fields.
    InvalidIdentifier = "S401": "a resource or route name that is not an identifier",
    ReservedWord = "S402": "a resource or route name that is a JavaScript reserved word",
    UnknownStorage = "S403": "`storage` is not a known storage",
    UnknownOperation = "S404": "an operation other than list, create, read, update, delete",
    OperationTwice = "S405": "an operation listed twice",
    ForbiddenFieldName = "S406": "a field named `__proto__`, `constructor` or `prototype`",
    InvalidFieldName = "S407": "a field name that is not an identifier",
    MissingFieldType = "S408": "a field without `type`",
    UnknownFieldType = "S409": "a field type that does not exist",
    RuleNotForType = "S410": "a rule that does not apply to the field's type",
    MissingItems = "S411": "an array field without `items`",
    UnknownItemType = "S412": "an item type that does not exist",
    NotFinite = "S413": "a bound that is not a finite number",
    UnsafeInteger = "S414": "an integer bound outside JavaScript's safe integers",
    BoundsReversed = "S415": "a lower bound greater than its upper bound",
    EmptyEnum = "S416": "an `enum` without values",
    EnumValueTwice = "S417": "an `enum` value listed twice",
    UnknownFormat = "S418": "a `format` that does not exist",
    InvalidPattern = "S419": "a `pattern` that is not a regular expression scaffold and JavaScript read alike",
    UnsafePattern = "S420": "a `pattern` outside the safe subset (unanchored, lookaround, backreferences, backtracking)",
    InvalidDefault = "S421": "a `default` that breaks its field's own rules",
    ReadonlyConflict = "S422": "a `readonly` field with `required` or `default`",
    UnknownRef = "S423": "a `ref` that names no resource",
    RefWithRules = "S424": "a `ref` field with `enum`, `format`, `pattern` or lengths",
    MissingFields = "S425": "an object field (or array of objects) without `fields`",
    FieldsTooDeep = "S426": "fields nested deeper than 5 levels",
    InvalidEnumValue = "S427": "an `enum` value that breaks its field's other rules",
    DefaultOnRequired = "S428": "a `default` on a `required` field",
    FilterNotScalar = "S429": "`filter` on a field that is not a resource's own string, integer, number or boolean",
    FilterNameTaken = "S430": "`filter` on a field named `limit`, `cursor` or `sort` (the list's own query parameters)",
    // S5xx: routes and the dispatch table.
    MissingMethod = "S501": "a route without `method`",
    UnknownMethod = "S502": "a method the dispatcher does not route",
    MissingPath = "S503": "a route without `path`",
    InvalidPath = "S504": "a route path with characters or segments that are not allowed",
    StemClash = "S505": "two operations whose file names are the same after case conversion",
    AmbiguousPath = "S506": "two paths that match the same requests",
    DuplicateRoute = "S507": "the same method and path twice",
    // S6xx: what the target refuses.
    ProviderUnavailable = "S601": "an auth provider the target does not offer",
    BodyAboveTarget = "S602": "a body limit above what the target delivers",
    StorageUnavailable = "S603": "a storage the target does not offer",
    ReservedStem = "S604": "a file name the platform treats specially",
    LanguageUnavailable = "S605": "a language the target does not offer (yet)",
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_are_unique_and_in_order() {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
    }

    /// `docs/diagnostics.md` lists every code with its summary, in order.
    #[test]
    fn the_docs_list_every_code() {
        let docs = include_str!("../../docs/diagnostics.md");
        let rows: Vec<String> = docs
            .lines()
            .filter(|l| l.starts_with("| S"))
            .map(str::to_string)
            .collect();
        let expected: Vec<String> = Code::ALL
            .iter()
            .map(|c| format!("| {} | {} |", c.as_str(), c.summary()))
            .collect();
        assert_eq!(
            rows, expected,
            "regenerate the table in docs/diagnostics.md"
        );
    }
}
