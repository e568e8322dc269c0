//! The target's policy, checked after lowering: which auth providers and storages the platform
//! offers, the largest body it delivers, and the file stems it treats specially. Lowering itself
//! decides nothing a target could refuse, so `review` and `openapi` need no target.

use std::collections::BTreeMap;

use crate::diag::{one_of, Code, Diagnostic};
use crate::lower::{op_pos, owner, AUTH_PROVIDERS};
use crate::model::{Language, Model, MAX_BODY_BYTES};
use crate::render::Storages;
use crate::spec::Loaded;
use crate::storage::NONE;
use crate::target::TargetDesc;

/// Every way `model` asks for something target `target` does not offer.
pub(crate) fn check(
    loaded: &Loaded,
    model: &Model,
    target: &str,
    desc: &TargetDesc,
    storages: &Storages,
) -> Vec<Diagnostic> {
    let ix = &loaded.index;
    let mut errors = Vec::new();

    let providers: Vec<&str> = desc.auth_providers.iter().map(String::as_str).collect();
    let provider = loaded
        .spec
        .auth
        .as_ref()
        .and_then(|a| a.provider.as_deref());
    if let Some(p) = provider.filter(|p| AUTH_PROVIDERS.contains(p) && !providers.contains(p)) {
        errors.push(
            Diagnostic::new(Code::ProviderUnavailable,
                format!("auth provider `{p}` is not available on target `{target}`"),
                ix.value_or_near(&["auth", "provider"]),
            )
            .expected(one_of(&providers))
            .help(format!("pick a provider this target supports, or a target that supports `{p}` (`scaffold targets` lists them)")),
        );
    }

    let body_bytes = model.limits.body_bytes;
    let platform = desc.max_body_bytes.min(MAX_BODY_BYTES);
    if (1..=MAX_BODY_BYTES).contains(&body_bytes) && body_bytes > platform {
        errors.push(
            Diagnostic::new(Code::BodyAboveTarget,
                format!("`limits.body_bytes` is {body_bytes}, more than target `{target}` delivers"),
                ix.value_or_near(&["limits", "body_bytes"]),
            )
            .expected(format!("at most {platform} on `{target}`"))
            .help(format!("lower it to {platform} or less: the platform refuses larger bodies before the function runs")),
        );
    }

    let default = desc.default_storage.as_str();
    let known = |v: &str| v == NONE || storages.contains_key(v);
    let accepted = accepted(target, desc, storages);
    let spec = &loaded.spec;
    let explicit = std::iter::once((vec!["storage".to_string()], spec.storage.as_deref())).chain(
        spec.resources.iter().map(|(name, r)| {
            (
                vec!["resources".to_string(), name.clone(), "storage".to_string()],
                r.storage.as_deref(),
            )
        }),
    );
    for (at, v) in explicit {
        let Some(v) = v.filter(|v| known(v) && !accepted.contains(v)) else {
            continue;
        };
        let at: Vec<&str> = at.iter().map(String::as_str).collect();
        errors.push(
            Diagnostic::new(
                Code::StorageUnavailable,
                format!("storage `{v}` is not available on target `{target}`"),
                ix.value_or_near(&at),
            )
            .expected(one_of(&accepted))
            .help(format!(
                "use `{default}` (the target's default), or another this target accepts"
            )),
        );
    }

    let reserved: Vec<&str> = desc.reserved_stems.iter().map(String::as_str).collect();
    for op in &model.operations {
        if reserved.contains(&op.stem.as_str()) {
            errors.push(
                Diagnostic::new(
                    Code::ReservedStem,
                    format!(
                        "{} gives the file name `{}`, which the platform treats specially",
                        owner(op),
                        op.stem
                    ),
                    op_pos(ix, op),
                )
                .expected(format!(
                    "a name whose file stem is not {}",
                    one_of(&reserved)
                ))
                .help("rename it"),
            );
        }
    }
    errors
}

/// The storages target `target` accepts: its default first, then the others that name it, by name,
/// then `none`.
pub(crate) fn accepted<'a>(
    target: &str,
    desc: &'a TargetDesc,
    storages: &'a Storages,
) -> Vec<&'a str> {
    let mut out = vec![desc.default_storage.as_str()];
    out.extend(
        storages
            .iter()
            .filter(|(_, s)| s.accepts(target))
            .map(|(name, _)| name.as_str())
            .chain(std::iter::once(NONE)),
    );
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|s| seen.insert(*s));
    out
}

/// `language` when target `target` does not offer it (yet): the targets that do, by name. Checked
/// where every target is known (`scaffold::model`).
pub(crate) fn language(
    loaded: &Loaded,
    target: &str,
    targets: &BTreeMap<String, TargetDesc>,
) -> Option<Diagnostic> {
    let desc = targets.get(target)?;
    let language = Language::parse(loaded.spec.language.as_deref()?)?;
    if desc.languages.contains(&language) {
        return None;
    }
    let offering: Vec<&str> = targets
        .iter()
        .filter(|(_, d)| d.languages.contains(&language))
        .map(|(name, _)| name.as_str())
        .collect();
    let here: Vec<&str> = desc.languages.iter().map(|l| l.as_str()).collect();
    Some(
        Diagnostic::new(
            Code::LanguageUnavailable,
            format!(
                "language `{}` is not available on target `{target}` (yet)",
                language.as_str()
            ),
            loaded.index.value_or_near(&["language"]),
        )
        .expected(one_of(&here))
        .help(format!(
            "targets that offer `{}`: {}; or leave `language` out for JavaScript",
            language.as_str(),
            offering
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    )
}
