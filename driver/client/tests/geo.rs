//! DSE's geometric types through the driver, against the emulator: `Point`, `LineString` and
//! `Polygon` bound (prepared, simple with values, WKT literal) and read back both typed and
//! as `CqlValue`, and refused for a column of another class.

mod common;

use cassia_driver::error::ExecuteError;
use cassia_driver::{CqlValue, LineString, Point, Polygon, Row, Session};
use cassia_emulator::EmulatorHandle;

async fn setup() -> (EmulatorHandle, Session) {
    common::emulator::session_in(
        Session::builder(),
        "geo",
        &[
            "CREATE TABLE geo.shapes (k int PRIMARY KEY, p 'PointType', \
           l 'org.apache.cassandra.db.marshal.LineStringType', g 'PolygonType')",
        ],
    )
    .await
}

fn pt(x: f64, y: f64) -> Point {
    Point::new(x, y)
}

fn sample() -> (Point, LineString, Polygon) {
    (
        pt(-122.3, 47.6),
        LineString(vec![pt(0., 0.), pt(1.5, -2.), pt(1e300, 5e-324)]),
        Polygon::new(vec![
            vec![pt(0., 0.), pt(10., 0.), pt(10., 10.), pt(0., 0.)],
            vec![pt(1., 1.), pt(2., 1.), pt(1., 1.)],
        ]),
    )
}

type Shapes = (Option<Point>, Option<LineString>, Option<Polygon>);

async fn read(session: &Session, k: i32) -> Shapes {
    session
        .query("SELECT p, l, g FROM geo.shapes WHERE k = ?", (k,))
        .await
        .expect("select")
        .one::<Shapes>()
        .expect("one typed row")
}

#[tokio::test]
async fn geometries_round_trip_by_every_write_path() {
    let (_emu, session) = setup().await;
    let (p, l, g) = sample();
    let insert = "INSERT INTO geo.shapes (k, p, l, g) VALUES (?, ?, ?, ?)";
    let prepared = session.prepare(insert).await.expect("prepare");
    session
        .execute(&prepared, (1, &p, &l, &g))
        .await
        .expect("prepared insert");
    session
        .query(insert, (2, p, l.clone(), g.clone()))
        .await
        .expect("simple insert with values");
    // The literal path: CqlValue renders geometries as quoted WKT, which DSE (and the
    // emulator) parse back.
    let literal = format!(
        "INSERT INTO geo.shapes (k, p, l, g) VALUES (3, {}, {}, {})",
        CqlValue::Point(p),
        CqlValue::LineString(l.clone()),
        CqlValue::Polygon(g.clone())
    );
    session.query(literal.as_str(), ()).await.expect(&literal);
    for k in 1..=3 {
        assert_eq!(
            read(&session, k).await,
            (Some(p), Some(l.clone()), Some(g.clone())),
            "row {k}"
        );
    }

    // Dynamic rows decode the three classes into their own variants.
    let row = session
        .query("SELECT p, l, g FROM geo.shapes WHERE k = 1", ())
        .await
        .expect("select")
        .one::<Row>()
        .expect("a row");
    assert_eq!(
        row.get(0).expect("p").cloned(),
        Some(CqlValue::Point(p)),
        "dynamic point"
    );
    assert_eq!(
        row.get(1).expect("l").cloned(),
        Some(CqlValue::LineString(l))
    );
    assert_eq!(row.get(2).expect("g").cloned(), Some(CqlValue::Polygon(g)));
}

#[tokio::test]
async fn empty_geometries_and_nulls_are_distinct() {
    let (_emu, session) = setup().await;
    session
        .query(
            "INSERT INTO geo.shapes (k, p, l, g) VALUES (?, ?, ?, ?)",
            (1, Point::EMPTY, LineString::default(), Polygon::default()),
        )
        .await
        .expect("insert empties");
    session
        .query("INSERT INTO geo.shapes (k) VALUES (2)", ())
        .await
        .expect("insert nulls");
    let (p, l, g) = read(&session, 1).await;
    assert!(p.is_some_and(|p| p.is_empty()), "{p:?}");
    assert_eq!(l, Some(LineString::default()));
    assert_eq!(g, Some(Polygon::default()));
    assert_eq!(read(&session, 2).await, (None, None, None));
}

#[tokio::test]
async fn a_geometry_is_refused_for_another_class() {
    let (_emu, session) = setup().await;
    let err = session
        .query(
            "INSERT INTO geo.shapes (k, g) VALUES (?, ?)",
            (1, pt(1., 2.)),
        )
        .await
        .expect_err("a point in a polygon column");
    assert!(matches!(err, ExecuteError::Bind { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("Point") && text.contains("PolygonType"),
        "{text}"
    );
    // A malformed WKT literal is the server's error, with its reason.
    let err = session
        .query("INSERT INTO geo.shapes (k, p) VALUES (1, 'POINT (1)')", ())
        .await
        .expect_err("one coordinate");
    assert!(err.to_string().contains("Unable to make point"), "{err}");
}
