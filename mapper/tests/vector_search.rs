//! Vector search through the mapper on the emulator: a model with a storage-attached index
//! on a `[f32; 5]` column, synced, filled with the DataStax quickstart's rows, and searched
//! with `order_by_ann` (with and without the similarity score and an SAI filter).

use std::collections::BTreeMap;

use cassia::ExecError;
use cassia::prelude::*;
use cassia::query::{QueryError, Scored};
use cassia::schema::sync_table;
use cassia::testing::TestDb;
use cassia_driver::Session;

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "vector_test")]
struct Block {
    #[cassia(partition_key)]
    id: i32,
    text: String,
    #[cassia(index = "sai")]
    category: String,
    #[cassia(index = "sai", similarity = "cosine")]
    vector: [f32; 5],
}

/// The same table with the vector left unindexed.
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "plain_vectors")]
struct Plain {
    #[cassia(partition_key)]
    id: i32,
    vector: [f32; 5],
}

/// Euclidean similarity declared on the index.
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "points")]
struct Spot {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(index = "sai", similarity = "euclidean")]
    at: [f32; 2],
}

const QUERY: [f32; 5] = [0.15, 0.1, 0.1, 0.35, 0.55];

fn rows() -> Vec<Block> {
    let block = |id, text: &str, category: &str, vector| Block {
        id,
        text: text.to_owned(),
        category: category.to_owned(),
        vector,
    };
    vec![
        block(
            1,
            "Chat bot integrated sneakers that talk to you",
            "shoes",
            [0.1, 0.15, 0.3, 0.12, 0.05],
        ),
        block(
            2,
            "An AI quilt to help you sleep forever",
            "home",
            [0.45, 0.09, 0.01, 0.2, 0.11],
        ),
        block(
            3,
            "A deep learning display that controls your mood",
            "home",
            [0.1, 0.05, 0.08, 0.3, 0.6],
        ),
    ]
}

/// Cassandra's `similarity_cosine`: (1 + cos θ) / 2, computed in f32 as the server does.
fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum();
    let nb: f32 = b.iter().map(|x| x * x).sum();
    (1.0 + dot / (na * nb).sqrt()) / 2.0
}

#[cassia::test]
async fn sync_creates_storage_attached_indexes_once(db: TestDb) {
    let session = &db.session;
    let report = sync_table::<Block>(session).await.expect("sync");
    let indexes: Vec<&String> = report
        .statements
        .iter()
        .filter(|s| s.contains("INDEX"))
        .collect();
    let ks = &db.keyspace;
    assert_eq!(
        indexes,
        [
            &format!(
                "CREATE CUSTOM INDEX IF NOT EXISTS vector_test_category_idx ON {ks}.vector_test \
                 (category) USING 'StorageAttachedIndex'"
            ),
            &format!(
                "CREATE CUSTOM INDEX IF NOT EXISTS vector_test_vector_idx ON {ks}.vector_test \
                 (vector) USING 'StorageAttachedIndex' WITH OPTIONS = {{'similarity_function': \
                 'cosine'}}"
            ),
        ]
    );
    let (kind, options): (String, BTreeMap<String, String>) = session
        .query(
            "SELECT kind, options FROM system_schema.indexes WHERE keyspace_name = ? \
             AND table_name = 'vector_test' AND index_name = 'vector_test_vector_idx'",
            (ks.as_str(),),
        )
        .await
        .expect("index row")
        .first_row()
        .expect("one index row");
    assert_eq!(kind, "CUSTOM");
    let class = options.get("class_name").map(String::as_str).unwrap_or("");
    assert!(class.ends_with("StorageAttachedIndex"), "{options:?}");
    assert_eq!(
        options.get("similarity_function").map(String::as_str),
        Some("cosine")
    );
    assert_eq!(options.get("target").map(String::as_str), Some("vector"));

    let again = sync_table::<Block>(session).await.expect("second sync");
    assert!(!again.changed(), "{:?}", again.statements);
}

#[cassia::test(models(Block))]
async fn nearest_rows_come_back_closest_first_with_their_similarity(session: Session) {
    for row in rows() {
        row.insert().execute_on(&session).await.expect("insert");
    }

    let nearest = Block::objects()
        .order_by_ann(Block::VECTOR, &QUERY)
        .limit(2)
        .all_on(&session)
        .await
        .expect("ann query");
    let ids: Vec<i32> = nearest.iter().map(|b| b.id).collect();
    assert_eq!(ids, [3, 2]);

    let scored: Vec<Scored<Block>> = Block::objects()
        .order_by_ann(Block::VECTOR, &QUERY)
        .limit(3)
        .with_similarity()
        .all_on(&session)
        .await
        .expect("scored ann query");
    assert_eq!(scored.len(), 3);
    for s in &scored {
        assert_eq!(
            s.similarity,
            cosine(&s.row.vector, &QUERY),
            "row {}",
            s.row.id
        );
    }
    assert!(
        scored
            .windows(2)
            .all(|w| w[0].similarity >= w[1].similarity)
    );
    assert_eq!(scored[0].row, rows()[2]);

    // A projection keeps its tuple shape and gains the score.
    let projected: Vec<Scored<(i32, String)>> = Block::objects()
        .order_by_ann(Block::VECTOR, &QUERY)
        .limit(1)
        .only((Block::ID, Block::TEXT))
        .with_similarity()
        .all_on(&session)
        .await
        .expect("projected ann query");
    assert_eq!(projected[0].row.0, 3);
    assert_eq!(projected[0].similarity, cosine(&rows()[2].vector, &QUERY));
}

#[cassia::test(models(Block))]
async fn sai_filters_combine_with_ann_without_allow_filtering(session: Session) {
    for row in rows() {
        row.insert().execute_on(&session).await.expect("insert");
    }
    let built = Block::objects()
        .filter(Block::CATEGORY.eq("shoes"))
        .order_by_ann(Block::VECTOR, &QUERY)
        .limit(2)
        .build()
        .expect("builds");
    assert_eq!(
        built.cql,
        "SELECT id, text, category, vector FROM vector_test WHERE category = ? ORDER BY vector \
         ANN OF ? LIMIT 2"
    );
    let shoes = Block::objects()
        .filter(Block::CATEGORY.eq("shoes"))
        .order_by_ann(Block::VECTOR, &QUERY)
        .limit(2)
        .all_on(&session)
        .await
        .expect("filtered ann");
    assert_eq!(shoes, [rows()[0].clone()]);

    let home = Block::objects()
        .filter(Block::CATEGORY.eq("home"))
        .all_on(&session)
        .await
        .expect("sai equality without ALLOW FILTERING");
    let mut ids: Vec<i32> = home.iter().map(|b| b.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [2, 3]);
}

#[cassia::test(models(Spot))]
async fn euclidean_indexes_score_with_their_own_function(session: Session) {
    for (id, at) in [(1, [0.0, 0.0]), (2, [3.0, 4.0]), (3, [1.0, 1.0])] {
        Spot { id, at }
            .insert()
            .execute_on(&session)
            .await
            .expect("insert");
    }
    let q = Spot::objects()
        .order_by_ann(Spot::AT, &[0.0, 0.0])
        .limit(3)
        .with_similarity();
    assert!(
        q.build()
            .expect("builds")
            .cql
            .starts_with("SELECT id, at, similarity_euclidean(at, ?) AS similarity FROM points"),
    );
    let found = q.all_on(&session).await.expect("euclidean ann");
    let got: Vec<(i32, f32)> = found.iter().map(|s| (s.row.id, s.similarity)).collect();
    // 1 / (1 + squared distance).
    assert_eq!(got, [(1, 1.0), (3, 1.0 / 3.0), (2, 1.0 / 26.0)]);
}

#[test]
fn what_cassandra_would_refuse_is_refused_before_sending() {
    let no_limit = Block::objects()
        .order_by_ann(Block::VECTOR, &QUERY)
        .build()
        .expect_err("no limit");
    assert!(matches!(no_limit, QueryError::AnnWithoutLimit { .. }));
    assert_eq!(
        no_limit.to_string(),
        "ANN ordering on vector_test.vector requires a LIMIT: add .limit(n)"
    );

    let no_index = Plain::objects()
        .order_by_ann(Plain::VECTOR, &QUERY)
        .limit(1)
        .build()
        .expect_err("no index");
    assert!(
        matches!(no_index, QueryError::AnnWithoutIndex { ref column, .. } if column == "vector")
    );

    let score_alone = Block::objects()
        .limit(1)
        .with_similarity()
        .build()
        .expect_err("score without ann");
    assert!(matches!(
        score_alone,
        QueryError::SimilarityWithoutAnn { .. }
    ));
}

#[cassia::test(models(Block))]
async fn a_query_vector_is_bound_not_rendered(session: Session) {
    for row in rows() {
        row.insert().execute_on(&session).await.expect("insert");
    }
    // Two different query vectors share one statement text (and one prepared statement).
    let a = Block::objects()
        .order_by_ann(Block::VECTOR, &rows()[0].vector)
        .limit(1);
    let b = Block::objects()
        .order_by_ann(Block::VECTOR, &rows()[1].vector)
        .limit(1);
    assert_eq!(a.build().expect("a").cql, b.build().expect("b").cql);
    let first = a.first_on(&session).await.expect("a runs").expect("a row");
    let second = b.first_on(&session).await.expect("b runs").expect("b row");
    assert_eq!((first.id, second.id), (1, 2));
    let missing: Result<Option<Plain>, ExecError> = Plain::objects()
        .order_by_ann(Plain::VECTOR, &QUERY)
        .limit(1)
        .first_on(&session)
        .await;
    assert!(matches!(
        missing,
        Err(ExecError::Query(QueryError::AnnWithoutIndex { .. }))
    ));
}
