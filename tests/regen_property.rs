//! Property test of regeneration, in memory: random sequences of spec edits and user edits of
//! scaffolded files, regenerating after each step. Nothing a user writes is ever silently lost:
//! an edit that does not touch a generated change is merged, one that does is a conflict, a
//! conflicting run writes nothing, and a second run right after any run is quiet.
//!
//! The spec is rendered from a small model (resources, CRUD operations with `auth: none` and
//! roles, fields, custom routes, `base_path`, the project name), each time in a random but
//! equivalent YAML form. User edits insert or replace uniquely tagged lines (`// user edit 17`),
//! delete lines or files, or add handler files of their own. Every run is checked against an
//! independent model of the table in src/plan.rs: the action of every path, the bytes written (a
//! clean merge, or diff3 markers exactly as expected), the merge bases and the lock; and,
//! separately from that model, every tagged line is tracked until the user deletes its file.
//!
//! Replay one seed: `REGEN_SEED=<seed> cargo test --test regen_property -- --nocapture`.
//! Search further with `REGEN_SEEDS=<n>` and `REGEN_STEPS=<n>` (default: 20 seeds x 20 steps).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};

use scaffold::testing::Class;
use scaffold::testing::{self as plan, Action, FileOp, Options, Plan};
use scaffold::testing::{base_path, sha256, Lock, LOCK_FILE};
use scaffold::{testing::RelPath, Tree};
use scaffold::{Input, Templates};

const SPEC_FILE: &str = "scaffold.yaml";
const DEFAULT_SEEDS: u64 = 20;
const DEFAULT_STEPS: usize = 20;

type Mem = BTreeMap<RelPath, Vec<u8>>;

fn rel(p: &str) -> RelPath {
    RelPath::new(p).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The shared PRNG.

mod common;

use common::rng::Rng;

// ---------------------------------------------------------------------------------------------
// The spec model and its YAML.

const NAMES: [&str; 3] = ["watchlist", "bookclub", "back-office"];
const BASE_PATHS: [&str; 3] = ["/api", "/v1", "/api/v2"];
const RESOURCES: [&str; 5] = ["movies", "books", "reviews", "orders", "shelves"];
const CRUD: [&str; 5] = ["list", "create", "read", "update", "delete"];
const FIELDS: [(&str, &str); 6] = [
    (
        "title",
        "{ type: string, required: true, min_length: 1, max_length: 200 }",
    ),
    ("year", "{ type: integer, min: 1888, max: 2100 }"),
    ("rating", "{ type: number, min: 0, max: 5 }"),
    ("watched", "{ type: boolean }"),
    ("tags", "{ type: array, items: string, max_items: 20 }"),
    ("note", "{ type: string, max_length: 2000 }"),
];
const ROUTES: [&str; 5] = [
    "search",
    "stats",
    "borrow_book",
    "monthly_report",
    "health_check",
];
/// Each of a distinct shape, none under a resource's path: any route may take any free one.
const ROUTE_PATHS: [&str; 6] = [
    "/search",
    "/stats",
    "/shelf/{id}/borrow",
    "/reports/{year}/{month}",
    "/health",
    "/members/{member_id}/reviews/{review_id}",
];
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const ROLES: [&str; 4] = ["admin", "editor", "finance", "moderator"];

#[derive(Clone, Debug, Default, PartialEq)]
struct Access {
    public: bool,
    roles: BTreeSet<usize>,
}

#[derive(Clone, Debug, PartialEq)]
struct Resource {
    fields: BTreeSet<usize>,
    /// CRUD index -> access.
    ops: BTreeMap<usize, Access>,
}

#[derive(Clone, Debug, PartialEq)]
struct Route {
    method: usize,
    path: usize,
    access: Access,
}

#[derive(Clone, Debug, PartialEq)]
struct Model {
    name: usize,
    base_path: usize,
    resources: BTreeMap<usize, Resource>,
    routes: BTreeMap<usize, Route>,
}

fn random_access(rng: &mut Rng) -> Access {
    let mut a = Access::default();
    if rng.chance(1, 4) {
        a.public = true;
    } else if rng.chance(1, 2) {
        for _ in 0..1 + rng.below(2) {
            a.roles.insert(rng.below(ROLES.len()));
        }
    }
    a
}

fn random_resource(rng: &mut Rng) -> Resource {
    let mut fields = BTreeSet::new();
    for _ in 0..rng.below(4) {
        fields.insert(rng.below(FIELDS.len()));
    }
    let mut ops = BTreeMap::new();
    if rng.chance(1, 3) {
        for i in 0..CRUD.len() {
            ops.insert(i, Access::default());
        }
    } else {
        for _ in 0..1 + rng.below(CRUD.len()) {
            ops.insert(rng.below(CRUD.len()), random_access(rng));
        }
    }
    Resource { fields, ops }
}

impl Model {
    fn initial(rng: &mut Rng) -> Model {
        let mut m = Model {
            name: rng.below(NAMES.len()),
            base_path: if rng.chance(2, 3) {
                0
            } else {
                rng.below(BASE_PATHS.len())
            },
            resources: BTreeMap::new(),
            routes: BTreeMap::new(),
        };
        for _ in 0..1 + rng.below(2) {
            m.resources
                .insert(rng.below(RESOURCES.len()), random_resource(rng));
        }
        if rng.chance(1, 2) {
            m.add_route(rng);
        }
        m
    }

    /// `watchlist /api: movies[list create:public read:admin]{title} route search GET /search`.
    fn describe(&self) -> String {
        let access = |a: &Access| {
            if a.public {
                ":public".to_string()
            } else if a.roles.is_empty() {
                String::new()
            } else {
                let r: Vec<&str> = a.roles.iter().map(|r| ROLES[*r]).collect();
                format!(":{}", r.join("|"))
            }
        };
        let mut out = format!("{} {}:", NAMES[self.name], BASE_PATHS[self.base_path]);
        for (r, res) in &self.resources {
            let ops: Vec<String> = res
                .ops
                .iter()
                .map(|(o, a)| format!("{}{}", CRUD[*o], access(a)))
                .collect();
            let fields: Vec<&str> = res.fields.iter().map(|f| FIELDS[*f].0).collect();
            write!(
                out,
                " {}[{}]{{{}}}",
                RESOURCES[*r],
                ops.join(" "),
                fields.join(",")
            )
            .unwrap();
        }
        for (r, route) in &self.routes {
            write!(
                out,
                " route {} {} {}{}",
                ROUTES[*r],
                METHODS[route.method],
                ROUTE_PATHS[route.path],
                access(&route.access)
            )
            .unwrap();
        }
        out
    }

    fn entries(&self) -> usize {
        self.resources.len() + self.routes.len()
    }

    fn add_route(&mut self, rng: &mut Rng) -> Option<String> {
        let free: Vec<usize> = (0..ROUTES.len())
            .filter(|r| !self.routes.contains_key(r))
            .collect();
        let used: BTreeSet<usize> = self.routes.values().map(|r| r.path).collect();
        let paths: Vec<usize> = (0..ROUTE_PATHS.len())
            .filter(|p| !used.contains(p))
            .collect();
        if free.is_empty() || paths.is_empty() {
            return None;
        }
        let r = *rng.pick(&free);
        let route = Route {
            method: rng.below(METHODS.len()),
            path: *rng.pick(&paths),
            access: random_access(rng),
        };
        let desc = format!(
            "add route {} {} {}",
            ROUTES[r], METHODS[route.method], ROUTE_PATHS[route.path]
        );
        self.routes.insert(r, route);
        Some(desc)
    }

    /// Every operation's access, with a name for the log.
    fn accesses(&mut self) -> Vec<(String, &mut Access)> {
        let mut out = Vec::new();
        for (r, res) in self.resources.iter_mut() {
            for (op, a) in res.ops.iter_mut() {
                out.push((format!("{}.{}", RESOURCES[*r], CRUD[*op]), a));
            }
        }
        for (r, route) in self.routes.iter_mut() {
            out.push((format!("route {}", ROUTES[*r]), &mut route.access));
        }
        out
    }

    /// One random structured edit that keeps the spec valid; `None` when that kind does not apply.
    fn try_edit(&mut self, kind: usize, rng: &mut Rng) -> Option<String> {
        match kind {
            0 => {
                let free: Vec<usize> = (0..RESOURCES.len())
                    .filter(|r| !self.resources.contains_key(r))
                    .collect();
                if free.is_empty() {
                    return None;
                }
                let r = *rng.pick(&free);
                let res = random_resource(rng);
                let ops: Vec<&str> = res.ops.keys().map(|o| CRUD[*o]).collect();
                self.resources.insert(r, res);
                Some(format!("add resource {} {ops:?}", RESOURCES[r]))
            }
            1 => {
                if self.entries() < 2 || self.resources.is_empty() {
                    return None;
                }
                let keys: Vec<usize> = self.resources.keys().copied().collect();
                let r = *rng.pick(&keys);
                self.resources.remove(&r);
                Some(format!("remove resource {}", RESOURCES[r]))
            }
            2 => {
                let cands: Vec<(usize, usize)> = self
                    .resources
                    .iter()
                    .flat_map(|(r, res)| {
                        (0..CRUD.len())
                            .filter(|o| !res.ops.contains_key(o))
                            .map(move |o| (*r, o))
                    })
                    .collect();
                if cands.is_empty() {
                    return None;
                }
                let (r, o) = *rng.pick(&cands);
                let a = random_access(rng);
                self.resources.get_mut(&r).unwrap().ops.insert(o, a);
                Some(format!("add operation {}.{}", RESOURCES[r], CRUD[o]))
            }
            3 => {
                let cands: Vec<(usize, usize)> = self
                    .resources
                    .iter()
                    .filter(|(_, res)| res.ops.len() > 1)
                    .flat_map(|(r, res)| res.ops.keys().map(move |o| (*r, *o)))
                    .collect();
                if cands.is_empty() {
                    return None;
                }
                let (r, o) = *rng.pick(&cands);
                self.resources.get_mut(&r).unwrap().ops.remove(&o);
                Some(format!("remove operation {}.{}", RESOURCES[r], CRUD[o]))
            }
            4 => {
                let mut all = self.accesses();
                let i = rng.below(all.len());
                let (name, a) = &mut all[i];
                a.public = !a.public;
                a.roles.clear();
                Some(format!("{name}: public = {}", a.public))
            }
            5 => {
                let mut all: Vec<_> = self
                    .accesses()
                    .into_iter()
                    .filter(|(_, a)| !a.public && a.roles.len() < ROLES.len())
                    .collect();
                if all.is_empty() {
                    return None;
                }
                let i = rng.below(all.len());
                let (name, a) = &mut all[i];
                let free: Vec<usize> = (0..ROLES.len()).filter(|r| !a.roles.contains(r)).collect();
                let role = *rng.pick(&free);
                a.roles.insert(role);
                Some(format!("{name}: add role {}", ROLES[role]))
            }
            6 => {
                let mut all: Vec<_> = self
                    .accesses()
                    .into_iter()
                    .filter(|(_, a)| !a.roles.is_empty())
                    .collect();
                if all.is_empty() {
                    return None;
                }
                let i = rng.below(all.len());
                let (name, a) = &mut all[i];
                let roles: Vec<usize> = a.roles.iter().copied().collect();
                let role = *rng.pick(&roles);
                a.roles.remove(&role);
                Some(format!("{name}: remove role {}", ROLES[role]))
            }
            7 => {
                let keys: Vec<usize> = self.resources.keys().copied().collect();
                if keys.is_empty() {
                    return None;
                }
                let r = *rng.pick(&keys);
                let f = rng.below(FIELDS.len());
                let res = self.resources.get_mut(&r).unwrap();
                let added = res.fields.insert(f);
                if !added {
                    res.fields.remove(&f);
                }
                Some(format!(
                    "{} field {}.{}",
                    if added { "add" } else { "remove" },
                    RESOURCES[r],
                    FIELDS[f].0
                ))
            }
            8 => self.add_route(rng),
            9 => {
                if self.entries() < 2 || self.routes.is_empty() {
                    return None;
                }
                let keys: Vec<usize> = self.routes.keys().copied().collect();
                let r = *rng.pick(&keys);
                self.routes.remove(&r);
                Some(format!("remove route {}", ROUTES[r]))
            }
            10 => {
                let keys: Vec<usize> = self.routes.keys().copied().collect();
                if keys.is_empty() {
                    return None;
                }
                let r = *rng.pick(&keys);
                let route = self.routes.get_mut(&r).unwrap();
                route.method = (route.method + 1 + rng.below(METHODS.len() - 1)) % METHODS.len();
                Some(format!(
                    "route {}: method {}",
                    ROUTES[r], METHODS[route.method]
                ))
            }
            11 => {
                let keys: Vec<usize> = self.routes.keys().copied().collect();
                let used: BTreeSet<usize> = self.routes.values().map(|r| r.path).collect();
                let paths: Vec<usize> = (0..ROUTE_PATHS.len())
                    .filter(|p| !used.contains(p))
                    .collect();
                if keys.is_empty() || paths.is_empty() {
                    return None;
                }
                let r = *rng.pick(&keys);
                let p = *rng.pick(&paths);
                self.routes.get_mut(&r).unwrap().path = p;
                Some(format!("route {}: path {}", ROUTES[r], ROUTE_PATHS[p]))
            }
            12 => {
                self.base_path =
                    (self.base_path + 1 + rng.below(BASE_PATHS.len() - 1)) % BASE_PATHS.len();
                Some(format!("base_path {}", BASE_PATHS[self.base_path]))
            }
            _ => {
                self.name = (self.name + 1 + rng.below(NAMES.len() - 1)) % NAMES.len();
                Some(format!("name {}", NAMES[self.name]))
            }
        }
    }

    fn random_edit(&mut self, rng: &mut Rng) -> String {
        // Weighted: operation-level edits more often than the project-wide ones.
        const KINDS: [usize; 20] = [
            0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 10, 11, 11, 12, 13,
        ];
        loop {
            if let Some(d) = self.try_edit(*rng.pick(&KINDS), rng) {
                return d;
            }
        }
    }

    /// The spec as YAML, in one of many equivalent forms (key order, list or map operations,
    /// flow or block style, optional defaults) chosen by `rng`.
    fn render(&self, rng: &mut Rng) -> String {
        let mut s = String::new();
        let mut lines = vec![format!("name: {}", NAMES[self.name])];
        if rng.chance(1, 2) {
            lines.push("target: netlify".into());
        }
        if self.base_path != 0 || rng.chance(1, 2) {
            lines.push(format!("base_path: {}", BASE_PATHS[self.base_path]));
        }
        lines.push(if rng.chance(1, 2) {
            "auth: { provider: netlify-identity }".into()
        } else {
            "auth:\n  provider: netlify-identity".into()
        });
        rng.shuffle(&mut lines[1..]);
        for l in lines {
            writeln!(s, "{l}").unwrap();
        }
        let roles = |a: &Access, rng: &mut Rng| {
            let mut r: Vec<&str> = a.roles.iter().map(|r| ROLES[*r]).collect();
            rng.shuffle(&mut r);
            format!("[{}]", r.join(", "))
        };
        let access = |a: &Access, rng: &mut Rng| -> Vec<String> {
            let mut kv = Vec::new();
            if a.public {
                kv.push("auth: none".to_string());
            } else if rng.chance(1, 4) {
                kv.push("auth: required".to_string());
            }
            if !a.roles.is_empty() {
                kv.push(format!("roles: {}", roles(a, rng)));
            } else if !a.public && rng.chance(1, 8) {
                kv.push("roles: []".to_string());
            }
            rng.shuffle(&mut kv);
            kv
        };

        let mut resources: Vec<(&usize, &Resource)> = self.resources.iter().collect();
        rng.shuffle(&mut resources);
        if !resources.is_empty() {
            s.push_str("resources:\n");
        } else if rng.chance(1, 2) {
            s.push_str("resources: {}\n");
        }
        for (r, res) in resources {
            writeln!(s, "  {}:", RESOURCES[*r]).unwrap();
            let mut fields: Vec<usize> = res.fields.iter().copied().collect();
            rng.shuffle(&mut fields);
            if !fields.is_empty() {
                s.push_str("    fields:\n");
            } else if rng.chance(1, 2) {
                s.push_str("    fields: {}\n");
            }
            for f in fields {
                writeln!(s, "      {}: {}", FIELDS[f].0, FIELDS[f].1).unwrap();
            }
            let all_default = res.ops.values().all(|a| *a == Access::default());
            let mut ops: Vec<(&usize, &Access)> = res.ops.iter().collect();
            rng.shuffle(&mut ops);
            if all_default && res.ops.len() == CRUD.len() && rng.chance(1, 2) {
                // No `operations`: every CRUD operation.
            } else if all_default && rng.chance(1, 2) {
                let names: Vec<&str> = ops.iter().map(|(o, _)| CRUD[**o]).collect();
                writeln!(s, "    operations: [{}]", names.join(", ")).unwrap();
            } else if rng.chance(1, 3) {
                let items: Vec<String> = ops
                    .iter()
                    .map(|(o, a)| format!("{}: {{ {} }}", CRUD[**o], access(a, rng).join(", ")))
                    .collect();
                writeln!(s, "    operations: {{ {} }}", items.join(", ")).unwrap();
            } else {
                s.push_str("    operations:\n");
                for (o, a) in ops {
                    let kv = access(a, rng);
                    if kv.is_empty() && rng.chance(1, 2) {
                        writeln!(s, "      {}:", CRUD[*o]).unwrap();
                    } else if !kv.is_empty() && rng.chance(1, 3) {
                        writeln!(s, "      {}:", CRUD[*o]).unwrap();
                        for item in kv {
                            writeln!(s, "        {item}").unwrap();
                        }
                    } else {
                        writeln!(s, "      {}: {{ {} }}", CRUD[*o], kv.join(", ")).unwrap();
                    }
                }
            }
        }

        let mut routes: Vec<(&usize, &Route)> = self.routes.iter().collect();
        rng.shuffle(&mut routes);
        if !routes.is_empty() {
            s.push_str("routes:\n");
        }
        for (r, route) in routes {
            let method = if rng.chance(1, 4) {
                METHODS[route.method].to_lowercase()
            } else {
                METHODS[route.method].to_string()
            };
            let mut kv = vec![
                format!("method: {method}"),
                format!("path: \"{}\"", ROUTE_PATHS[route.path]),
            ];
            kv.extend(access(&route.access, rng));
            rng.shuffle(&mut kv);
            if rng.chance(1, 2) {
                writeln!(s, "  {}: {{ {} }}", ROUTES[*r], kv.join(", ")).unwrap();
            } else {
                writeln!(s, "  {}:", ROUTES[*r]).unwrap();
                for item in kv {
                    writeln!(s, "    {item}").unwrap();
                }
            }
        }
        s
    }
}

fn generate(spec: &[u8]) -> Tree {
    let templates = Templates::builtin();
    let input = Input {
        spec_file: SPEC_FILE,
        spec,
        target: None,
        templates: &templates,
    };
    match scaffold::generate(&input) {
        Ok(g) => g.tree,
        Err(e) => panic!(
            "the model rendered an invalid spec (a bug in this test or in lower.rs):\n{e}\n--- spec ---\n{}",
            String::from_utf8_lossy(spec)
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// An independent model of the three-way merge: the two diffs from the base (similar's Myers, the
// same alignment the merge uses), clustered when they touch, and the result or the diff3 text.

struct Edit {
    /// Base lines replaced: `start..end` (empty for an insertion).
    start: usize,
    end: usize,
    ours: bool,
    lines: Vec<String>,
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn edits(base: &[&str], side: &[&str], ours: bool) -> Vec<Edit> {
    let mut out: Vec<Edit> = Vec::new();
    let mut last_new_end = usize::MAX;
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, base, side) {
        if matches!(op, similar::DiffOp::Equal { .. }) {
            continue;
        }
        let (old, new) = (op.old_range(), op.new_range());
        let text: Vec<String> = side[new.clone()].iter().map(|s| s.to_string()).collect();
        match out.last_mut() {
            Some(prev) if prev.end == old.start && last_new_end == new.start => {
                prev.end = old.end;
                prev.lines.extend(text);
            }
            _ => out.push(Edit {
                start: old.start,
                end: old.end,
                ours,
                lines: text,
            }),
        }
        last_new_end = new.end;
    }
    out
}

enum Merged {
    Clean(String),
    /// The text with diff3 markers, and the number of conflicting regions.
    Conflict(String, usize),
}

fn apply_edits(base: &[&str], start: usize, end: usize, edits: &[&Edit]) -> String {
    let mut out = String::new();
    let mut pos = start;
    for e in edits {
        out.extend(base[pos..e.start].iter().copied());
        out.extend(e.lines.iter().map(String::as_str));
        pos = e.end;
    }
    out.extend(base[pos..end].iter().copied());
    out
}

fn expected_merge(base: &str, ours: &str, theirs: &str) -> Merged {
    let (b, o, t) = (lines(base), lines(ours), lines(theirs));
    let mut all = edits(&b, &o, true);
    all.extend(edits(&b, &t, false));
    all.sort_by_key(|e| (e.start, e.end, !e.ours));
    // Clusters: edits whose base ranges overlap or touch, transitively.
    let mut clusters: Vec<(usize, usize, Vec<&Edit>)> = Vec::new();
    for e in &all {
        match clusters.last_mut() {
            Some((_, end, members)) if e.start <= *end => {
                *end = (*end).max(e.end);
                members.push(e);
            }
            _ => clusters.push((e.start, e.end, vec![e])),
        }
    }
    let mut out = String::new();
    let mut at_line_start = true;
    let push = |out: &mut String, s: &str, at: &mut bool| {
        if !s.is_empty() {
            out.push_str(s);
            *at = s.ends_with('\n');
        }
    };
    let mut conflicts = 0;
    let mut pos = 0;
    for (start, end, members) in &clusters {
        push(&mut out, &b[pos..*start].concat(), &mut at_line_start);
        let mine: Vec<&Edit> = members.iter().copied().filter(|e| e.ours).collect();
        let theirs_: Vec<&Edit> = members.iter().copied().filter(|e| !e.ours).collect();
        let ours_text = apply_edits(&b, *start, *end, &mine);
        let theirs_text = apply_edits(&b, *start, *end, &theirs_);
        if mine.is_empty() {
            push(&mut out, &theirs_text, &mut at_line_start);
        } else if theirs_.is_empty() || ours_text == theirs_text {
            push(&mut out, &ours_text, &mut at_line_start);
        } else {
            conflicts += 1;
            let term = |out: &mut String, at: &mut bool| {
                if !*at {
                    out.push('\n');
                    *at = true;
                }
            };
            term(&mut out, &mut at_line_start);
            out.push_str("<<<<<<< yours\n");
            push(&mut out, &ours_text, &mut at_line_start);
            term(&mut out, &mut at_line_start);
            out.push_str("||||||| generated last time\n");
            push(&mut out, &b[*start..*end].concat(), &mut at_line_start);
            term(&mut out, &mut at_line_start);
            out.push_str("=======\n");
            push(&mut out, &theirs_text, &mut at_line_start);
            term(&mut out, &mut at_line_start);
            out.push_str(">>>>>>> generated now\n");
            at_line_start = true;
        }
        pos = *end;
    }
    push(&mut out, &b[pos..].concat(), &mut at_line_start);
    if conflicts > 0 {
        Merged::Conflict(out, conflicts)
    } else {
        Merged::Clean(out)
    }
}

/// Resolves diff3 conflict regions as a user would: keep "yours", or yours then generated now.
fn resolve(text: &str, keep_generated_too: bool) -> String {
    #[derive(PartialEq)]
    enum At {
        Out,
        Yours,
        Base,
        Theirs,
    }
    let mut at = At::Out;
    let mut out = String::new();
    let mut theirs = String::new();
    for line in lines(text) {
        match (line, &at) {
            ("<<<<<<< yours\n", At::Out) => at = At::Yours,
            ("||||||| generated last time\n", At::Yours) => at = At::Base,
            ("=======\n", At::Base) => at = At::Theirs,
            (">>>>>>> generated now\n", At::Theirs) => {
                if keep_generated_too {
                    out.push_str(&theirs);
                }
                theirs.clear();
                at = At::Out;
            }
            (_, At::Out | At::Yours) => out.push_str(line),
            (_, At::Base) => {}
            (_, At::Theirs) => theirs.push_str(line),
        }
    }
    assert!(at == At::Out, "unterminated conflict markers in:\n{text}");
    out
}

// ---------------------------------------------------------------------------------------------
// The world: the model, the disk, the user's tagged lines, and the checks of every run.

#[derive(Default)]
struct Stats {
    actions: BTreeMap<Action, usize>,
    /// Clean merges of a file holding tagged user lines.
    merges_with_user_lines: usize,
    conflicts_resolved: usize,
    /// Tagged lines seen on the `yours` side of written conflict markers.
    user_lines_in_conflicts: usize,
    runs: usize,
}

impl Stats {
    fn add(&mut self, other: Stats) {
        for (a, n) in other.actions {
            *self.actions.entry(a).or_default() += n;
        }
        self.merges_with_user_lines += other.merges_with_user_lines;
        self.conflicts_resolved += other.conflicts_resolved;
        self.user_lines_in_conflicts += other.user_lines_in_conflicts;
        self.runs += other.runs;
    }
}

struct World<'a> {
    rng: Rng,
    model: Model,
    disk: Mem,
    /// Path -> tag number -> the tagged line (without its line end), for every user line on disk.
    tags: BTreeMap<String, BTreeMap<u64, String>>,
    next_tag: u64,
    log: &'a mut Vec<String>,
    stats: &'a mut Stats,
    /// The last lock parsed, by its bytes (parsing YAML is slow in a debug build).
    lock_cache: std::cell::RefCell<Option<(Vec<u8>, Lock)>>,
    sha_cache: std::cell::RefCell<std::collections::HashMap<Vec<u8>, String>>,
}

/// What the table says for one path, computed from the disk before the run.
#[derive(Debug)]
struct Expect {
    action: Action,
    /// The file after the run (for a conflict: the text with markers); `None`: absent.
    after: Option<Vec<u8>>,
    conflicts: usize,
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("UTF-8")
}

/// Bytes as text, for readable assertion messages.
fn show<B: AsRef<[u8]>>(b: Option<B>) -> Option<String> {
    b.map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
}

fn apply(disk: &mut Mem, ops: &[FileOp]) {
    for op in ops {
        match op {
            FileOp::Write(p, bytes) => {
                disk.insert(p.clone(), bytes.to_vec());
            }
            FileOp::Delete(p) => {
                disk.remove(p);
            }
        }
    }
}

/// A user's line, unique in the project (without its line end).
fn tag_line(path: &str, n: u64) -> String {
    if path.ends_with(".js") || path.ends_with(".json") {
        format!("// user edit {n}")
    } else if path.ends_with(".md") || path.ends_with(".html") {
        format!("<!-- user edit {n} -->")
    } else {
        format!("# user edit {n}")
    }
}

fn is_tag(line: &str) -> bool {
    line.contains("user edit ")
}

impl World<'_> {
    /// SHA-256, remembered by content (hashing is slow in a debug build; most files repeat).
    fn sha(&self, bytes: &[u8]) -> String {
        let mut cache = self.sha_cache.borrow_mut();
        if let Some(h) = cache.get(bytes) {
            return h.clone();
        }
        let h = sha256(bytes);
        cache.insert(bytes.to_vec(), h.clone());
        h
    }

    fn lock(&self) -> Option<Lock> {
        let bytes = self.disk.get(&rel(LOCK_FILE))?;
        let mut cache = self.lock_cache.borrow_mut();
        match &*cache {
            Some((b, lock)) if b == bytes => Some(lock.clone()),
            _ => {
                let lock = Lock::parse(bytes).expect("the lock parses");
                *cache = Some((bytes.clone(), lock.clone()));
                Some(lock)
            }
        }
    }

    /// Scaffolded project files on disk (the lock says which), for user edits.
    fn user_files(&self) -> Vec<String> {
        let Some(lock) = self.lock() else {
            return Vec::new();
        };
        lock.files
            .iter()
            .filter(|(p, f)| f.class == Class::Scaffolded && self.disk.contains_key(&rel(p)))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// One edit as a user makes them: insert a tagged line (now and then at the end of the file,
    /// without a final newline), replace a line by a tagged one, delete a line, delete the file, or
    /// write a handler of their own where scaffold has none (yet).
    fn user_edit(&mut self) -> Option<String> {
        let kind = self.rng.below(20);
        if kind == 1 {
            return self.user_writes_a_handler();
        }
        let files = self.user_files();
        if files.is_empty() {
            return None;
        }
        // Handlers and the README (which scaffold changes most) more often than the rest.
        let weighted: Vec<&String> = files
            .iter()
            .flat_map(|p| {
                let w = if p.contains("/api-methods/") || p == "README.md" {
                    4
                } else {
                    1
                };
                std::iter::repeat_n(p, w)
            })
            .collect();
        let path = weighted[self.rng.below(weighted.len())].clone();
        let rp = rel(&path);
        if kind == 0 {
            self.disk.remove(&rp);
            self.tags.remove(&path);
            return Some(format!("user deletes {path}"));
        }
        let old = text(&self.disk[&rp]);
        let mut ls: Vec<String> = lines(&old).into_iter().map(str::to_string).collect();
        let untagged: Vec<usize> = (0..ls.len()).filter(|i| !is_tag(&ls[*i])).collect();
        if kind < 4 && !untagged.is_empty() {
            let i = *self.rng.pick(&untagged);
            let gone = ls.remove(i);
            if i == ls.len() && i > 0 && !gone.ends_with('\n') {
                // The last line went: the one before it ends the file, as it did.
                ls[i - 1].pop();
            }
            self.disk.insert(rp, ls.concat().into_bytes());
            return Some(format!(
                "user deletes {path}:{} ({:?})",
                i + 1,
                gone.trim_end()
            ));
        }
        let n = self.next_tag;
        self.next_tag += 1;
        let tag = tag_line(&path, n);
        let desc = if kind < 10 && !untagged.is_empty() {
            let i = *self.rng.pick(&untagged);
            let eol = if ls[i].ends_with('\n') { "\n" } else { "" };
            let gone = std::mem::replace(&mut ls[i], format!("{tag}{eol}"));
            format!(
                "user replaces {path}:{} ({:?}) by #{n}",
                i + 1,
                gone.trim_end()
            )
        } else {
            let i = self.rng.below(ls.len() + 1);
            if let Some(last) = ls.last_mut().filter(|l| !l.ends_with('\n')) {
                last.push('\n');
            }
            let eol = if i == ls.len() && self.rng.chance(1, 3) {
                ""
            } else {
                "\n"
            };
            ls.insert(i, format!("{tag}{eol}"));
            format!(
                "user inserts #{n} at {path}:{}{}",
                i + 1,
                if eol.is_empty() {
                    " (no final newline)"
                } else {
                    ""
                }
            )
        };
        self.disk.insert(rp, ls.concat().into_bytes());
        self.tags.entry(path).or_default().insert(n, tag);
        Some(desc)
    }

    /// The user writes a handler file where scaffold has none: for an operation not in the spec
    /// (yet), or in place of one they deleted.
    fn user_writes_a_handler(&mut self) -> Option<String> {
        let mut stems: Vec<String> = RESOURCES
            .iter()
            .flat_map(|r| CRUD.iter().map(move |o| format!("{r}-{o}")))
            .collect();
        stems.extend(ROUTES.iter().map(|r| r.replace('_', "-")));
        let free: Vec<String> = stems
            .into_iter()
            .map(|s| format!("netlify/functions/api-methods/{s}.js"))
            .filter(|p| !self.disk.contains_key(&rel(p)))
            .collect();
        if free.is_empty() {
            return None;
        }
        let path = free[self.rng.below(free.len())].clone();
        let (a, b) = (self.next_tag, self.next_tag + 1);
        self.next_tag += 2;
        let (ta, tb) = (tag_line(&path, a), tag_line(&path, b));
        let body = format!(
            "{ta}\n'use strict';\n\nmodule.exports = async function () {{\n{tb}\n  return {{ status: 200 }};\n}};\n"
        );
        self.disk.insert(rel(&path), body.into_bytes());
        let tags = self.tags.entry(path.clone()).or_default();
        tags.clear();
        tags.insert(a, ta);
        tags.insert(b, tb);
        Some(format!("user writes {path} (#{a}, #{b})"))
    }

    /// The expected step of every path, from the disk and lock before the run.
    fn expect(&self, tree: &Tree, opts: Options) -> BTreeMap<RelPath, Expect> {
        let lock = self.lock();
        let entry = |p: &RelPath| lock.as_ref().and_then(|l| l.files.get(p.as_str()).cloned());
        let mut out = BTreeMap::new();
        for (path, file) in &tree.files {
            let new = &file.bytes.to_vec();
            let before = self.disk.get(path);
            let base = self.disk.get(&rel(&base_path(path.as_str())));
            let e = entry(path);
            let ex = |action, after: Option<&Vec<u8>>| Expect {
                action,
                after: after.cloned(),
                conflicts: 0,
            };
            let x = match (file.class, before) {
                (_, Some(old)) if old == new => ex(Action::Unchanged, Some(new)),
                (Class::Owned, None) if e.is_some() => ex(Action::Recreate, Some(new)),
                (Class::Owned, None) => ex(Action::Create, Some(new)),
                (Class::Owned, Some(old)) => {
                    let e =
                        e.unwrap_or_else(|| panic!("owned {path} on disk without a lock entry"));
                    assert_eq!(
                        e.sha256,
                        self.sha(old),
                        "owned {path} differs from the lock"
                    );
                    ex(Action::Update, Some(new))
                }
                (Class::Scaffolded, None) => match e {
                    None => ex(Action::Create, Some(new)),
                    Some(_) if opts.force => ex(Action::Recreate, Some(new)),
                    Some(_) => ex(Action::Missing, None),
                },
                (Class::Scaffolded, Some(old)) => match (base, e) {
                    (Some(base), Some(_)) if base == new => ex(Action::Kept, Some(old)),
                    (Some(base), Some(_)) => {
                        match expected_merge(&text(base), &text(old), &text(new)) {
                            Merged::Clean(t) if t.as_bytes() == old.as_slice() => {
                                ex(Action::Unchanged, Some(old))
                            }
                            Merged::Clean(t) => ex(Action::Merge, Some(&t.into_bytes())),
                            Merged::Conflict(t, n) => Expect {
                                action: Action::Conflict,
                                after: Some(t.into_bytes()),
                                conflicts: n,
                            },
                        }
                    }
                    _ => ex(Action::Kept, Some(old)),
                },
            };
            out.insert(path.clone(), x);
        }
        for (p, e) in lock.iter().flat_map(|l| &l.files) {
            let path = rel(p);
            if tree.files.contains_key(&path) {
                continue;
            }
            if let Some(old) = self.disk.get(&path) {
                let x = if opts.prune && self.sha(old) == e.sha256 {
                    Expect {
                        action: Action::Delete,
                        after: None,
                        conflicts: 0,
                    }
                } else {
                    Expect {
                        action: Action::Orphan,
                        after: Some(old.clone()),
                        conflicts: 0,
                    }
                };
                out.insert(path, x);
            }
        }
        out
    }

    /// Plans one run, checks it against the table and, unless it is blocked, applies it and checks
    /// the disk: files, merge bases, lock, and every tagged user line.
    fn run(&mut self, tree: &Tree, spec: &[u8], opts: Options) -> Plan {
        let expected = self.expect(tree, opts);
        let lock = self.lock();
        let gen = plan::Generated {
            tree,
            target: "netlify",
            spec_file: SPEC_FILE,
            spec,
            templates: "t",
        };
        let before = self.disk.clone();
        let plan = plan::plan(&gen, lock.as_ref(), &self.disk, opts);
        self.stats.runs += 1;
        for s in &plan.steps {
            *self.stats.actions.entry(s.action).or_default() += 1;
        }

        // Every path has the action the table gives, and nothing else has a step.
        let got: Vec<(&str, Action)> = plan
            .steps
            .iter()
            .map(|s| (s.path.as_str(), s.action))
            .collect();
        let want: Vec<(&str, Action)> = expected
            .iter()
            .map(|(p, x)| (p.as_str(), x.action))
            .collect();
        assert_eq!(got, want, "actions differ from the table ({opts:?})");
        for s in &plan.steps {
            let x = &expected[&s.path];
            assert_eq!(
                show(s.before.as_ref()),
                show(before.get(&s.path)),
                "{}: `before` is not the disk",
                s.path
            );
            if s.action != Action::Missing {
                assert!(
                    s.after.as_ref().map(|b| text(b)) == x.after.as_ref().map(|b| text(b)),
                    "{} ({:?}): the planned bytes are not the expected ones\n--- planned ---\n{}\n--- expected ---\n{}",
                    s.path,
                    s.action,
                    s.after.as_ref().map(|b| text(b)).unwrap_or_default(),
                    x.after.as_ref().map(|b| text(b)).unwrap_or_default(),
                );
            }
            if s.action == Action::Conflict {
                let note = s.note.as_deref().unwrap_or("");
                // The note counts the regions (the markers themselves were compared above).
                assert!(
                    note.split_whitespace().next() == Some(x.conflicts.to_string().as_str()),
                    "{}: expected {} conflicting regions, note says {note:?}",
                    s.path,
                    x.conflicts
                );
            }
        }
        let conflicts: Vec<&str> = plan
            .steps
            .iter()
            .filter(|s| s.action == Action::Conflict)
            .map(|s| s.path.as_str())
            .collect();
        assert!(
            !plan.steps.iter().any(|s| s.action == Action::Refused),
            "a refusal, though no owned file was edited"
        );
        assert_eq!(
            plan.blocked,
            !conflicts.is_empty() && !opts.write_conflicts,
            "blocked iff there is a conflict and conflicts are not written"
        );
        assert!(!plan.ops.is_empty() || !plan.changes_files());
        if plan.blocked {
            // The contract: a blocked run writes nothing (so the caller applies nothing). Every tag
            // in a file with a conflict is still on disk, untouched.
            return plan;
        }

        apply(&mut self.disk, &plan.ops);

        // Only project files with a step, their merge bases and the lock are touched.
        for op in &plan.ops {
            let p = match op {
                FileOp::Write(p, _) | FileOp::Delete(p) => p.as_str(),
            };
            let ok = match (op, p.strip_prefix(".scaffold/base/")) {
                _ if p == LOCK_FILE => true,
                // The base of an orphan the user deleted goes with it, without a step.
                (FileOp::Delete(_), Some(project)) => {
                    expected.contains_key(&rel(project))
                        || lock.as_ref().is_some_and(|l| {
                            l.files.contains_key(project)
                                && !tree.files.contains_key(&rel(project))
                                && !before.contains_key(&rel(project))
                        })
                }
                (_, Some(project)) => expected.contains_key(&rel(project)),
                (_, None) => expected.contains_key(&rel(p)),
            };
            assert!(ok, "an operation on {p}, which has no step");
        }
        let new_lock = self
            .lock()
            .expect("a run that is not blocked leaves a lock");
        let mut locked = BTreeSet::new();
        for (path, x) in &expected {
            let base = self.disk.get(&rel(&base_path(path.as_str())));
            assert_eq!(
                show(self.disk.get(path)),
                show(x.after.as_ref()),
                "{path} ({:?}) on disk after the run",
                x.action
            );
            let old_entry = lock.as_ref().and_then(|l| l.files.get(path.as_str()));
            match (tree.files.get(path), x.action) {
                (Some(file), Action::Missing) => {
                    let _ = file;
                    assert_eq!(
                        show(base),
                        show(before.get(&rel(&base_path(path.as_str())))),
                        "{path}: the merge base of a missing file changed"
                    );
                    assert_eq!(new_lock.files.get(path.as_str()), old_entry);
                    locked.insert(path.as_str());
                }
                (Some(file), _) => {
                    assert_eq!(
                        show(base),
                        show(Some(&file.bytes)),
                        "{path}: merge base after the run"
                    );
                    let e = &new_lock.files[path.as_str()];
                    assert_eq!((e.class, &e.sha256), (file.class, &self.sha(&file.bytes)));
                    locked.insert(path.as_str());
                    if file.class == Class::Owned {
                        assert_eq!(show(self.disk.get(path)), show(Some(&file.bytes)));
                    }
                }
                (None, Action::Delete) => assert!(base.is_none(), "{path}: base left by --prune"),
                (None, _) => {
                    // An orphan keeps its entry, marked as an orphan.
                    let orphaned = old_entry.map(|e| scaffold::testing::LockedFile {
                        orphan: true,
                        ..e.clone()
                    });
                    assert_eq!(new_lock.files.get(path.as_str()), orphaned.as_ref());
                    locked.insert(path.as_str());
                }
            }
        }
        let lock_paths: BTreeSet<&str> = new_lock.files.keys().map(String::as_str).collect();
        assert_eq!(lock_paths, locked, "the paths in the lock");
        // No base without a lock entry (an orphan that was deleted by the user loses both).
        for p in self.disk.keys() {
            if let Some(proj) = p.as_str().strip_prefix(".scaffold/base/") {
                assert!(lock_paths.contains(proj), "a stale merge base {p}");
            }
        }
        self.check_tags("after the run");
        for s in &plan.steps {
            if s.action == Action::Merge
                && self
                    .tags
                    .get(s.path.as_str())
                    .is_some_and(|t| !t.is_empty())
            {
                self.stats.merges_with_user_lines += 1;
            }
        }
        plan
    }

    /// Every tagged line the user wrote is on disk, exactly once, in its file.
    fn check_tags(&self, when: &str) {
        for (path, tags) in &self.tags {
            if tags.is_empty() {
                continue;
            }
            let Some(bytes) = self.disk.get(&rel(path)) else {
                panic!(
                    "{when}: {path} is gone, with the user's lines {:?}",
                    tags.keys()
                );
            };
            let t = text(bytes);
            let ls = lines(&t);
            for (n, tag) in tags {
                let count = ls
                    .iter()
                    .filter(|l| l.strip_suffix('\n').unwrap_or(l) == tag)
                    .count();
                assert_eq!(
                    count, 1,
                    "{when}: user edit #{n} in {path} appears {count} times:\n{t}"
                );
            }
        }
    }

    /// One regeneration, with all checks: determinism, the table, conflict resolution, idempotence.
    fn regenerate(&mut self, opts: Options) {
        let spec = self.model.render(&mut self.rng).into_bytes();
        let tree = generate(&spec);
        // Generation is deterministic, and neither the order of keys nor the YAML style matters:
        // on a third of the runs (a generation costs milliseconds in a debug build), generate
        // again from the same bytes or from another rendering of the same model.
        match self.rng.below(6) {
            0 => assert_eq!(generate(&spec), tree, "generation is not deterministic"),
            1 => {
                let other = self.model.render(&mut self.rng).into_bytes();
                assert_eq!(
                    generate(&other),
                    tree,
                    "two renderings of the same spec give different trees\n--- one ---\n{}\n--- other ---\n{}",
                    text(&spec),
                    text(&other)
                );
            }
            _ => {}
        }
        for (path, f) in &tree.files {
            assert!(
                f.bytes.ends_with(b"\n"),
                "{path} does not end with a newline"
            );
        }

        let before = self.disk.clone();
        let plan = self.run(&tree, &spec, opts);
        if plan.blocked {
            assert!(self.disk == before, "a blocked run changed the disk");
            let conflicted: Vec<String> = plan
                .steps
                .iter()
                .filter(|s| s.action == Action::Conflict)
                .map(|s| s.path.to_string())
                .collect();
            self.log.push(format!(
                "  blocked by conflicts in {conflicted:?}; again with --write-conflicts"
            ));
            let wc = Options {
                write_conflicts: true,
                ..opts
            };
            let plan = self.run(&tree, &spec, wc);
            assert!(!plan.blocked);
            for path in &conflicted {
                let t = text(&self.disk[&rel(path)]);
                assert!(t.contains("<<<<<<< yours\n") && t.contains(">>>>>>> generated now\n"));
                // The markers hold every user line of the file (check_tags: once each), none of
                // them on a generated side; resolving keeps them all.
                let mut section = "out";
                for line in lines(&t) {
                    section = match line {
                        "<<<<<<< yours\n" => "yours",
                        "||||||| generated last time\n" => "base",
                        "=======\n" => "theirs",
                        ">>>>>>> generated now\n" => "out",
                        _ => {
                            assert!(
                                !(is_tag(line) && (section == "base" || section == "theirs")),
                                "{path}: a user line on a generated side of the markers:\n{t}"
                            );
                            if is_tag(line) && section == "yours" {
                                self.stats.user_lines_in_conflicts += 1;
                            }
                            section
                        }
                    };
                }
                let both = self.rng.chance(1, 4);
                let resolved = resolve(&t, both);
                self.log.push(format!(
                    "  user resolves {path} keeping {}",
                    if both {
                        "yours, then generated now"
                    } else {
                        "yours"
                    }
                ));
                self.disk.insert(rel(path), resolved.into_bytes());
                self.stats.conflicts_resolved += 1;
            }
            self.check_tags("after resolving the conflicts");
        }

        // Idempotence: the same spec again changes nothing at all.
        let again = self.run(&tree, &spec, Options::default());
        for s in &again.steps {
            assert!(
                matches!(
                    s.action,
                    Action::Unchanged | Action::Kept | Action::Missing | Action::Orphan
                ),
                "second run: {} is {:?}",
                s.path,
                s.action
            );
        }
        assert!(again.ops.is_empty(), "second run writes {:?}", again.ops);
    }

    fn step(&mut self, i: usize) {
        // A spec edit (40%), user edits (30%), or both before the same run (30%).
        let (spec_edit, user_edits) = match self.rng.below(10) {
            0..=3 => (true, false),
            4..=6 => (false, true),
            _ => (true, true),
        };
        let mut parts = Vec::new();
        if spec_edit {
            parts.push(format!("spec: {}", self.model.random_edit(&mut self.rng)));
        }
        if user_edits {
            for _ in 0..1 + self.rng.below(3) {
                if let Some(d) = self.user_edit() {
                    parts.push(d);
                }
            }
        }
        let opts = Options {
            force: self.rng.chance(1, 15),
            prune: self.rng.chance(1, 15),
            write_conflicts: false,
        };
        let mut run = "scaffold generate".to_string();
        for (on, flag) in [(opts.force, " --force"), (opts.prune, " --prune")] {
            if on {
                run.push_str(flag);
            }
        }
        self.log
            .push(format!("step {i}: {} | {run}", parts.join("; ")));
        self.regenerate(opts);
    }
}

fn run_seed(seed: u64, steps: usize, log: &mut Vec<String>, stats: &mut Stats) {
    let mut rng = Rng(seed);
    let model = Model::initial(&mut rng);
    let mut w = World {
        rng,
        model,
        disk: Mem::new(),
        tags: BTreeMap::new(),
        next_tag: 1,
        log,
        stats,
        lock_cache: Default::default(),
        sha_cache: Default::default(),
    };
    w.log.push(format!("initial spec: {}", w.model.describe()));
    w.regenerate(Options::default());
    for i in 1..=steps {
        w.step(i);
    }
}

fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}"))
    })
}

#[test]
fn random_spec_and_user_edits_never_lose_a_line() {
    let steps = env_num("REGEN_STEPS").map_or(DEFAULT_STEPS, |n| n as usize);
    let seeds: Vec<u64> = match env_num("REGEN_SEED") {
        Some(s) => vec![s],
        None => (1..=env_num("REGEN_SEEDS").unwrap_or(DEFAULT_SEEDS)).collect(),
    };
    let full = seeds.len() as u64 == DEFAULT_SEEDS && steps == DEFAULT_STEPS;
    // Generation dominates (templates are parsed on every call, unoptimised): seeds run on every
    // core, each seed on its own, so a failure is still one seed's replayable log.
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let mut stats = Stats::default();
    let mut failure: Option<(u64, Vec<String>, Box<dyn std::any::Any + Send>)> = None;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let mine: Vec<u64> = seeds.iter().copied().skip(t).step_by(threads).collect();
                scope.spawn(move || {
                    let mut stats = Stats::default();
                    for seed in mine {
                        let mut log = Vec::new();
                        let result = panic::catch_unwind(AssertUnwindSafe(|| {
                            run_seed(seed, steps, &mut log, &mut stats)
                        }));
                        if let Err(e) = result {
                            return Err((seed, log, e));
                        }
                    }
                    Ok(stats)
                })
            })
            .collect();
        for w in workers {
            match w.join().expect("a worker panicked outside a seed") {
                Ok(s) => stats.add(s),
                Err(f) => {
                    if failure.as_ref().is_none_or(|(seed, ..)| f.0 < *seed) {
                        failure = Some(f);
                    }
                }
            }
        }
    });
    if let Some((seed, log, e)) = failure {
        eprintln!(
            "\nregen_property failed for seed {seed} (replay: REGEN_SEED={seed} REGEN_STEPS={steps} \
             cargo test --test regen_property -- --nocapture):"
        );
        for l in &log {
            eprintln!("  {l}");
        }
        panic::resume_unwind(e);
    }
    eprintln!(
        "regen_property: {} runs, actions {:?}, clean merges keeping user lines {}, conflicts resolved {} \
         (user lines inside the markers {})",
        stats.runs,
        stats.actions,
        stats.merges_with_user_lines,
        stats.conflicts_resolved,
        stats.user_lines_in_conflicts
    );
    if full {
        // The generator reaches every row of the table, so the test cannot pass vacuously.
        for a in [
            Action::Create,
            Action::Recreate,
            Action::Update,
            Action::Merge,
            Action::Unchanged,
            Action::Kept,
            Action::Conflict,
            Action::Missing,
            Action::Orphan,
            Action::Delete,
        ] {
            assert!(
                stats.actions.get(&a).copied().unwrap_or(0) > 0,
                "no run produced {a:?}: the generator does not cover that row"
            );
        }
        assert!(
            stats.merges_with_user_lines > 10
                && stats.conflicts_resolved > 10
                && stats.user_lines_in_conflicts > 10
        );
    }
}

#[test]
fn the_merge_model_agrees_with_hand_written_cases() {
    let clean = |b: &str, o: &str, t: &str| match expected_merge(b, o, t) {
        Merged::Clean(s) => s,
        Merged::Conflict(s, _) => panic!("unexpected conflict:\n{s}"),
    };
    assert_eq!(
        clean("a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nD\n"),
        "A\nb\nc\nD\n"
    );
    assert_eq!(clean("a\nb\n", "a\nx\nb\n", "a\nb\n"), "a\nx\nb\n");
    match expected_merge("a\nb\n", "a\nmine\n", "a\ntheirs\n") {
        Merged::Conflict(s, 1) => assert_eq!(
            s,
            "a\n<<<<<<< yours\nmine\n||||||| generated last time\nb\n=======\ntheirs\n>>>>>>> generated now\n"
        ),
        _ => panic!("expected one conflict"),
    }
    // An insertion next to a changed line is a conflict (no unchanged line between them).
    assert!(matches!(
        expected_merge("one\ntwo\n", "inserted\none\ntwo\n", "ONE\ntwo\n"),
        Merged::Conflict(_, 1)
    ));
    assert_eq!(
        resolve("a\n<<<<<<< yours\nm\n||||||| generated last time\nb\n=======\nt\n>>>>>>> generated now\nz\n", false),
        "a\nm\nz\n"
    );
    assert_eq!(
        resolve("a\n<<<<<<< yours\nm\n||||||| generated last time\nb\n=======\nt\n>>>>>>> generated now\nz\n", true),
        "a\nm\nt\nz\n"
    );
}
