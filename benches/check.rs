//! `cargo bench`: parse, resolve, full check, JSON emit and docs over generated
//! models of 100 to 100,000 KPIs (one file, and split over 1,000 files), and
//! a 10,000-KPI chain. Throughput is reported in bytes per second.

#[path = "model_gen.rs"]
mod model_gen;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kpic::source::{SourceFile, SourceMap};
use kpic::{Options, analyze};
use std::hint::black_box;
use std::time::Duration;

fn sources(files: &[(String, String)]) -> SourceMap {
    let mut map = SourceMap::new();
    for (name, text) in files {
        map.add(SourceFile::new(name.clone(), text.clone()));
    }
    map
}

fn bytes(files: &[(String, String)]) -> u64 {
    files.iter().map(|(_, t)| t.len() as u64).sum()
}

fn bench_sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    for kpis in [100, 1_000, 10_000, 100_000] {
        for files in [1, 1_000] {
            bench_model(&mut group, kpis, files);
        }
    }
    group.finish();
}

/// Parse, resolve, check, JSON and (up to 10,000 KPIs) the docs of one
/// generated model. A model of 100 KPIs has 13 departments, so "1,000
/// files" gives it 13.
fn bench_model(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    kpis: usize,
    files: usize,
) {
    let model = model_gen::model(kpis, files);
    let map = sources(&model);
    group.throughput(Throughput::Bytes(bytes(&model)));
    let id = format!("{kpis}kpis_{}files", model.len());
    group.bench_with_input(BenchmarkId::new("parse", &id), &map, |b, map| {
        b.iter(|| black_box(kpic::syntax::parse_all(map)))
    });
    group.bench_with_input(BenchmarkId::new("parse_resolve", &id), &map, |b, map| {
        b.iter(|| {
            let (files, mut diags) = kpic::syntax::parse_all(map);
            black_box(kpic::resolve::resolve(files, &mut diags))
        })
    });
    group.bench_with_input(BenchmarkId::new("full_check", &id), &map, |b, map| {
        b.iter(|| black_box(analyze(map, &Options::default())))
    });
    let analysis = analyze(&map, &Options::default());
    group.bench_with_input(BenchmarkId::new("json_emit", &id), &map, |b, map| {
        b.iter(|| black_box(kpic::emit::spec_json(&analysis, map, "bench")))
    });
    if kpis > 10_000 {
        // A site of 100,000 pages takes about a minute to render: it is
        // measured end to end by `cargo bench --bench e2e` instead.
        return;
    }
    group.bench_with_input(BenchmarkId::new("html_docs", &id), &map, |b, map| {
        b.iter(|| {
            black_box(kpic::docs::html(
                &analysis,
                map,
                "bench",
                &kpic::lints::Limits::default(),
                kpic::docs::Lang::En,
            ))
        })
    });
    group.bench_with_input(BenchmarkId::new("markdown_docs", &id), &map, |b, map| {
        b.iter(|| {
            black_box(kpic::docs::markdown(
                &analysis,
                map,
                "bench",
                &kpic::lints::Limits::default(),
                kpic::docs::Lang::En,
            ))
        })
    });
}

fn bench_chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for n in [2_500, 5_000, 10_000] {
        let map = sources(&[("chain.kpi".to_string(), model_gen::long_chain(n))]);
        let a = analyze(&map, &Options::default());
        group.bench_with_input(BenchmarkId::new("chain_graph", n), &a, |b, a| {
            b.iter(|| {
                let mut diags = Vec::new();
                black_box(kpic::graph::check_chains(&a.model, &mut diags))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_sizes, bench_chain);
criterion_main!(benches);
