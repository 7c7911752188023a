//! Generates realistic models of any size for benchmarks: per department eight
//! KPIs (two leading, six lagging) over one data source, with two roles, a
//! metric, a chain from the leading to the lagging KPIs and a later target.
#![allow(dead_code)] // each user (bench, example) uses part of it

/// The text of a model with `kpis` KPIs, split over `files` files.
pub fn model(kpis: usize, files: usize) -> Vec<(String, String)> {
    let departments = kpis.div_ceil(8);
    let files = files.clamp(1, departments.max(1));
    let mut out: Vec<(String, String)> = (0..files)
        .map(|i| (format!("part{i:04}.kpi"), String::new()))
        .collect();
    out[0].1.push_str("unit lead: count\nunit order: count\n\n");
    let mut written = 0;
    for d in 0..departments {
        let text = &mut out[d % files].1;
        let n = (kpis - written).min(8);
        written += n;
        text.push_str(&format!(
            "role owner{d} \"Head of department {d}\"\nrole backup{d} \"Analyst {d}\"\n\n\
             source src{d} \"Orders of department {d}\" {{\n  owner owner{d}\n  rows  order\n  field paid:       bool\n  field amount:     EUR\n  field cost:       EUR\n  field placed_at:  timestamp\n  field shipped_at: timestamp\n  field region:     text\n}}\n\n\
             metric revenue{d} = sum(src{d}.amount)\n\n"
        ));
        for k in 0..n {
            let kind = if k < 2 { "leading" } else { "lagging" };
            let formula = match k % 4 {
                0 => format!(
                    "count(src{d} where src{d}.paid and src{d}.region = \"R{k}\") / count(src{d})"
                ),
                1 => format!("(revenue{d} - sum(src{d}.cost)) / revenue{d} * {}", k + 1),
                2 => format!("count(src{d} where src{d}.amount > {k} EUR) / count(src{d})"),
                _ => format!(
                    "count(src{d} where not src{d}.paid or src{d}.cost < {k} EUR) / count(src{d})"
                ),
            };
            text.push_str(&format!(
                "kpi k{d}_{k} \"KPI {k} of department {d}\" {{\n  goal        \"Department {d} grows\"\n  formula     {formula}\n  unit        %\n  type        operational\n  kind        {kind}\n  level       department \"D{d}\"\n  perspective customer\n  owner       owner{d}\n  backup      backup{d}\n  frequency   weekly\n  target      30% by 2027-12-31\n  bands       red < 20% <= amber < 28% <= green\n  on red      owner{d} \"reviews the week\" within 5 d\n}}\n\n"
            ));
        }
        if n >= 3 {
            text.push_str(&format!("chain c{d} \"Chain {d}\" {{\n  k{d}_0 -> k{d}_2\n  k{d}_1 -> k{d}_3\n}}\n\ntarget k{d}_2 32% by 2028-12-31\n\n"));
        }
    }
    out
}

/// A chain graph of `n` KPIs in one long chain (leading into lagging).
pub fn long_chain(n: usize) -> String {
    let mut text = String::from(
        "unit lead: count\nrole o \"Owner\"\nrole b \"Backup\"\nsource s \"S\" {\n  owner o\n  rows lead\n  field won: bool\n}\n",
    );
    for i in 0..n {
        let kind = if i + 1 < n { "leading" } else { "lagging" };
        text.push_str(&format!(
            "kpi k{i} \"K{i}\" {{\n  goal \"g\"\n  formula count(s where s.won) / count(s) * {i}\n  unit %\n  kind {kind}\n  level team \"T{}\"\n  owner o\n  backup b\n  frequency weekly\n  target 30% by 2027-12-31\n  bands red < 20% <= amber < 28% <= green\n  on red o \"acts\" within 2 d\n}}\n",
            i / 5
        ));
    }
    text.push_str("chain long \"Long\" {\n  ");
    let names: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
    text.push_str(&names.join(" -> "));
    text.push_str("\n}\n");
    text
}
