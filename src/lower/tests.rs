use crate::{generate, Error, Input, Templates};

fn model(spec: &str) -> crate::model::Model {
    let (_, loaded) = crate::spec::load("scaffold.yaml", spec.as_bytes()).unwrap();
    let templates = Templates::builtin();
    let targets = templates.targets().unwrap();
    let storages = templates.storages().unwrap();
    let cx = super::Context {
        spec_file: "scaffold.yaml",
        target: "netlify",
        desc: &targets["netlify"],
        storages: &storages,
    };
    super::lower_for(&loaded, &cx).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn api_gateway_jwt_takes_issuer_audience_and_roles_claim_only() {
    let errs = errors(
        "name: a\ntarget: aws-lambda\nauth: { provider: api-gateway-jwt, issuer: 'https://i.example/', jwks_url: 'https://i.example/k', clock_skew_seconds: 5 }\nresources: { movies: {} }\n",
    );
    assert_eq!(
        errs,
        [
            "`provider: api-gateway-jwt` needs `auth.audience`",
            "`auth.jwks_url` does not apply to `provider: api-gateway-jwt`",
            "`auth.clock_skew_seconds` does not apply to `provider: api-gateway-jwt`",
        ]
    );
    let errs = errors(
        "name: a\ntarget: netlify\nauth: { provider: api-gateway-jwt, issuer: i, audience: a }\nresources: { movies: {} }\n",
    );
    assert_eq!(
        errs,
        ["auth provider `api-gateway-jwt` is not available on target `netlify`"]
    );
}

#[test]
fn api_gateway_jwt_model_has_gateway_settings_and_no_jwt() {
    let templates = Templates::builtin();
    let (m, _, _) = crate::model(&Input {
        spec_file: "s.yaml",
        spec: b"name: a\ntarget: aws-lambda\nauth: { provider: api-gateway-jwt, issuer: env:JWT_ISSUER, audience: api, roles_claim: app.roles }\nresources: { movies: {} }\n",
        target: None,
        templates: &templates,
    })
    .unwrap();
    assert!(m.auth.jwt().is_none());
    let g = m.auth.gateway().expect("gateway settings");
    assert_eq!(g.issuer.env.as_deref(), Some("JWT_ISSUER"));
    assert_eq!(g.issuer.param.as_deref(), Some("JwtIssuer"));
    assert_eq!(g.audience.value.as_deref(), Some("api"));
    assert_eq!(g.roles_claim, ["app", "roles"]);
}

#[test]
fn lowering_is_the_same_for_every_target_and_the_target_check_refuses() {
    // Lowering takes no target; `lower_for` adds only the target's default storage to its model.
    let open = "name: a\nauth: { provider: none }\nresources: { movies: {} }\n";
    let (_, open) = crate::spec::load("s.yaml", open.as_bytes()).unwrap();
    let (lowered, errors) = super::lower(&open, "s.yaml", &Templates::builtin().storage_names());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(lowered.resources[0].storage, None);
    let templates = Templates::builtin();
    let targets = templates.targets().unwrap();
    let storages = templates.storages().unwrap();
    for (name, desc) in &targets {
        let cx = super::Context {
            spec_file: "s.yaml",
            target: name,
            desc,
            storages: &storages,
        };
        let model = super::lower_for(&open, &cx).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let default = desc.default_storage.as_str();
        assert_eq!(
            model.resources[0].storage.as_deref(),
            Some(default),
            "{name}"
        );
        let mut expected = lowered.clone();
        expected.resolve_storage(default);
        assert_eq!(
            serde_json::to_string(&model).unwrap(),
            serde_json::to_string(&expected).unwrap(),
            "{name}"
        );
    }
    let spec = "name: a\nauth: { provider: netlify-identity }\nstorage: memory\nlimits: { body_bytes: 5000000 }\nresources: { index: {} }\n";
    let (_, loaded) = crate::spec::load("s.yaml", spec.as_bytes()).unwrap();
    assert!(super::lower(&loaded, "s.yaml", &templates.storage_names())
        .1
        .is_empty());
    let cx = super::Context {
        spec_file: "s.yaml",
        target: "vercel",
        desc: &targets["vercel"],
        storages: &storages,
    };
    let refused = |loaded: &crate::spec::Loaded, cx: &super::Context| -> Vec<String> {
        let errors = super::lower_for(loaded, cx).unwrap_err();
        errors.into_iter().map(|d| d.message).collect()
    };
    assert_eq!(
        refused(&loaded, &cx),
        [
            "auth provider `netlify-identity` is not available on target `vercel`",
            "`limits.body_bytes` is 5000000, more than target `vercel` delivers",
        ]
    );
    let spec = "name: a\nauth: { provider: none }\nroutes: { index: { method: GET, path: /i } }\n";
    let (_, loaded) = crate::spec::load("s.yaml", spec.as_bytes()).unwrap();
    let netlify = super::Context {
        spec_file: "s.yaml",
        target: "netlify",
        desc: &targets["netlify"],
        storages: &storages,
    };
    assert!(super::lower(&loaded, "s.yaml", &templates.storage_names())
        .1
        .is_empty());
    assert_eq!(
        refused(&loaded, &netlify),
        ["route `index` gives the file name `index`, which the platform treats specially"]
    );
}

#[test]
fn a_namespaced_roles_claim_is_one_name() {
    let m = model("name: a\nauth: { provider: jwt, issuer: i, audience: a, jwks_url: 'https://i.example/k', roles_claim: 'https://example.com/roles' }\nresources: { movies: {} }\n");
    assert_eq!(
        m.auth.jwt().unwrap().roles_claim,
        ["https://example.com/roles"]
    );
    let m = model("name: a\nauth: { provider: jwt, issuer: i, audience: a, jwks_url: 'https://i.example/k', roles_claim: app_metadata.roles }\nresources: { movies: {} }\n");
    assert_eq!(m.auth.jwt().unwrap().roles_claim, ["app_metadata", "roles"]);
}

#[test]
fn body_limit_cannot_exceed_what_the_target_delivers() {
    let spec = |target: &str| {
        format!("name: a\ntarget: {target}\nauth: {{ provider: none }}\nlimits: {{ body_bytes: 5000000 }}\nresources: {{ movies: {{}} }}\n")
    };
    assert_eq!(
        errors(&spec("vercel")),
        ["`limits.body_bytes` is 5000000, more than target `vercel` delivers"]
    );
    let templates = Templates::builtin();
    for target in ["netlify", "aws-lambda", "cloudflare-workers"] {
        let text = spec(target);
        assert!(
            generate(&Input {
                spec_file: "s.yaml",
                spec: text.as_bytes(),
                target: None,
                templates: &templates,
            })
            .is_ok(),
            "{target}"
        );
    }
}

fn errors(spec: &str) -> Vec<String> {
    let templates = Templates::builtin();
    match generate(&Input {
        spec_file: "s.yaml",
        spec: spec.as_bytes(),
        target: None,
        templates: &templates,
    }) {
        Err(Error::Spec(d)) => d.items.iter().map(|d| d.message.clone()).collect(),
        other => panic!("expected spec errors, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn defaults() {
    let m = model("name: a\nauth: { provider: netlify-identity }\nresources: { movies: {} }\n");
    assert_eq!(m.base_path, "/api");
    let ops: Vec<(&str, &str, &str)> = m
        .operations
        .iter()
        .map(|o| {
            (
                o.name.camel.as_str(),
                o.method.as_str(),
                o.full_path.as_str(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("moviesList", "GET", "/api/movies"),
            ("moviesCreate", "POST", "/api/movies"),
            ("moviesRead", "GET", "/api/movies/{id}"),
            ("moviesUpdate", "PUT", "/api/movies/{id}"),
            ("moviesDelete", "DELETE", "/api/movies/{id}"),
        ]
    );
    assert!(m.operations.iter().all(|o| !o.public && o.roles.is_empty()));
    assert_eq!(m.routes[0].allow, "GET, POST, OPTIONS");
    assert_eq!(m.routes[1].allow, "GET, PUT, DELETE, OPTIONS");
}

#[test]
fn literal_segments_match_before_parameters() {
    let m = model(
        "name: a\nauth: { provider: none }\nresources: { books: { operations: [read] } }\n\
         routes:\n  z: { method: GET, path: /books/search }\n  a: { method: get, path: \"/{x}/search\" }\n",
    );
    let order: Vec<&str> = m.routes.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(order, ["/books/search", "/books/{id}", "/{x}/search"]);
    assert!(
        m.operations.iter().all(|o| o.public),
        "provider none makes every operation public"
    );
    assert_eq!(
        m.operations
            .iter()
            .find(|o| o.name.spec == "a")
            .unwrap()
            .method,
        crate::model::Method::Get
    );
}

#[test]
fn roles_are_sorted_and_headers_merged_in_place() {
    let m = model(
        "name: a\nauth: { provider: netlify-identity }\nheaders: { x-frame-options: SAMEORIGIN, X-Extra: '1' }\n\
         resources: { b: { operations: { delete: { roles: [z, a] } } } }\n",
    );
    assert_eq!(m.operations[0].roles, ["a", "z"]);
    let names: Vec<&str> = m.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names[5], "X-Frame-Options");
    assert_eq!(m.headers[5].value, "SAMEORIGIN");
    assert_eq!(names.last(), Some(&"X-Extra"));
}

#[test]
fn each_rule_of_the_issue() {
    let base = "name: a\nauth: { provider: netlify-identity }\n";
    let cases: &[(&str, &str)] = &[
        ("resources: { m: { operations: [dlete] } }", "unknown operation `dlete`"),
        ("routes: { a: { method: GET, path: /x }, b: { method: GET, path: /x } }", "duplicate route `GET /x`: `a` and `b`"),
        ("resources: { my-things: {} }", "invalid resource name `my-things`"),
        ("resources: { movieList: {}, movie_list: {} }", "resource `movieList` and resource `movie_list` both become `movie-list` after case conversion"),
        ("resources: { new: {} }", "resource name `new` is a reserved word in JavaScript"),
        ("routes: { a: { method: GET, path: /a/../b } }", "invalid path `/a/../b`: character `.` is not allowed"),
        ("routes: { a: { method: GET, path: //b } }", "invalid path `//b`: empty segment (`//`)"),
        ("routes: { a: { method: GET, path: /a$ } }", "invalid path `/a$`: character `$` is not allowed"),
        ("resources: { m: { fields: { f: { type: date } } } }", "unknown field type `date`"),
        ("routes: { a: { method: GET, path: /a, auth: none, roles: [x] } }", "roles on a public operation: the operation is public (`auth: none`)"),
        ("resourcez: {}", "unknown key `resourcez` at the top level"),
    ];
    for (extra, want) in cases {
        let got = errors(&format!("{base}{extra}\n"));
        assert!(got.iter().any(|m| m == want), "{extra}: {got:?}");
    }
}

#[test]
fn a_storage_is_data_a_templates_folder_can_add() {
    // A storage folder added by an override: known to lowering, the schema and the target check,
    // accepted only on the targets it names, rendered through the shared store module.
    let desc = "description: x\nreadme: kept in x\ntargets: [vercel]\ncontext: true\nfactory: xCollection\n\
                packages: [jose]\nscripts: [[migrate, node x.mjs]]\n\
                files:\n  - { path: db/x.sql, template: x.sql, class: scaffolded }\n";
    let overrides = [
        ("_shared/storages/x-db/storage.yaml", desc),
        (
            "_shared/storages/x-db/store.js",
            "// ---- x-db ----\nfunction xCollection() {}\n",
        ),
        ("_shared/storages/x-db/x.sql", "-- {{ api.name.kebab }}\n"),
    ];
    let templates = Templates::builtin().with_overrides(
        overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    assert!(templates.storage_names().contains(&"x-db".to_string()));
    assert!(!Templates::builtin()
        .storage_names()
        .contains(&"x-db".to_string()));
    let spec = "name: a\nauth: { provider: none }\nstorage: x-db\nresources: { movies: {} }\n";
    let gen = |target: &str| {
        generate(&Input {
            spec_file: "scaffold.yaml",
            spec: spec.as_bytes(),
            target: Some(target),
            templates: &templates,
        })
    };
    let tree = gen("vercel").unwrap().tree;
    let file = |p: &str| {
        String::from_utf8(
            tree.files[&crate::tree::RelPath::new(p).unwrap()]
                .bytes
                .to_vec(),
        )
        .unwrap()
    };
    assert!(file("api/_lib/store.js")
        .contains("    case 'x-db':\n      return xCollection(name, ctx);"));
    assert!(file("api/_lib/store.js").contains("function xCollection() {}"));
    assert_eq!(file("db/x.sql"), "-- a\n");
    assert!(file("package.json").contains("\"migrate\": \"node x.mjs\""));
    assert!(file("package.json").contains("\"jose\""));
    assert!(file("README.md").contains("| `movies` | kept in x |"));
    assert!(file(".scaffold/spec.schema.json").contains("\"x-db\""));
    let Err(Error::Spec(report)) = gen("netlify") else {
        panic!("netlify accepted x-db")
    };
    assert!(
        report
            .to_string()
            .contains("storage `x-db` is not available on target `netlify`"),
        "{report}"
    );
    let Err(Error::Spec(report)) = generate(&Input {
        spec_file: "scaffold.yaml",
        spec: spec.as_bytes(),
        target: Some("vercel"),
        templates: &Templates::builtin(),
    }) else {
        panic!("built-in templates know x-db")
    };
    assert!(
        report.to_string().contains("unknown storage `x-db`"),
        "{report}"
    );
}

#[test]
fn a_target_default_storage_must_accept_it_and_not_be_explicit_only() {
    let spec = "name: a\nauth: { provider: none }\nresources: { movies: {} }\n";
    let vercel = Templates::builtin()
        .get("vercel/target.yaml")
        .unwrap()
        .to_string();
    for (default, why) in [
        ("memory", "is explicit-only: never a default"),
        (
            "cloudflare-kv",
            "does not list this target in its `targets`",
        ),
        ("nosuch", "names no storage"),
    ] {
        let text = vercel.replace(
            "default_storage: postgres",
            &format!("default_storage: {default}"),
        );
        assert_ne!(text, vercel);
        let templates = Templates::builtin().with_overrides(
            [("vercel/target.yaml".to_string(), text)]
                .into_iter()
                .collect(),
        );
        let result = generate(&Input {
            spec_file: "scaffold.yaml",
            spec: spec.as_bytes(),
            target: Some("vercel"),
            templates: &templates,
        });
        let Err(Error::Template(e)) = result else {
            panic!("{default}: accepted as a default")
        };
        assert!(e.to_string().contains(why), "{default}: {e}");
    }
}
