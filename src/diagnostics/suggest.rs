//! Did-you-mean: the one helper every "unknown name" diagnostic uses.

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn closest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| {
            let limit = (name.chars().count().max(c.chars().count()) / 3).max(1);
            *d <= limit
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" as a help sentence, or `None`.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_but_not_strangers() {
        let names = ["converted", "deal_value", "region"];
        assert_eq!(closest("convertd", names), Some("converted"));
        assert_eq!(
            closest("head_of_sales", ["head_sales", "analyst"]),
            Some("head_sales")
        );
        assert_eq!(closest("xyz", names), None);
    }
}
