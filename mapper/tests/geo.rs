//! DSE's geometric types as model fields, against the emulator: `sync_table` declares them
//! as their custom classes (and finds nothing to change the second time), and models save
//! and load them, empty geometries and nulls included.

use cassia::prelude::*;
use cassia::schema::sync_table;
use cassia::testing::TestDb;
use cassia::{LineString, Point, Polygon};

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "places")]
struct Place {
    #[cassia(partition_key)]
    id: i32,
    location: Point,
    route: Option<LineString>,
    area: Option<Polygon>,
    waypoints: Vec<Point>,
}

fn p(x: f64, y: f64) -> Point {
    Point::new(x, y)
}

#[cassia::test]
async fn geometric_fields_sync_save_and_load(db: TestDb) {
    let s = &db.session;
    let created = sync_table::<Place>(s).await.expect("create");
    assert_eq!(
        created.statements,
        [format!(
            "CREATE TABLE IF NOT EXISTS {}.places (id int, \
             location 'org.apache.cassandra.db.marshal.PointType', \
             route 'org.apache.cassandra.db.marshal.LineStringType', \
             area 'org.apache.cassandra.db.marshal.PolygonType', \
             waypoints list<'org.apache.cassandra.db.marshal.PointType'>, \
             PRIMARY KEY ((id)))",
            db.keyspace
        )]
    );
    let again = sync_table::<Place>(s).await.expect("idempotent");
    assert!(!again.changed(), "{again:?}");
    let types: Vec<(String, String)> = s
        .query(
            "SELECT column_name, type FROM system_schema.columns \
             WHERE keyspace_name = ? AND table_name = 'places'",
            (db.keyspace.as_str(),),
        )
        .await
        .expect("columns")
        .rows()
        .expect("rows");
    assert!(
        types.contains(&(
            "location".into(),
            "'org.apache.cassandra.db.marshal.PointType'".into()
        )),
        "{types:?}"
    );

    let full = Place {
        id: 1,
        location: p(2.3522, 48.8566),
        route: Some(LineString(vec![p(0., 0.), p(-1.5, 2.25)])),
        area: Some(Polygon::new(vec![
            vec![p(0., 0.), p(4., 0.), p(4., 4.), p(0., 0.)],
            vec![p(1., 1.), p(2., 1.), p(1., 1.)],
        ])),
        waypoints: vec![p(1., 2.), p(3., 4.)],
    };
    let sparse = Place {
        id: 2,
        location: p(0., 0.),
        route: Some(LineString::default()),
        area: None,
        waypoints: vec![],
    };
    for place in [&full, &sparse] {
        place.insert().execute_on(s).await.expect("insert");
    }
    let loaded = Place::objects()
        .filter(Place::ID.eq(1))
        .get_on(s)
        .await
        .expect("load full");
    assert_eq!(loaded, full);
    let loaded = Place::objects()
        .filter(Place::ID.eq(2))
        .get_on(s)
        .await
        .expect("load sparse");
    assert_eq!(loaded, sparse);

    // The bytes on the node are DSE's little-endian WKB, readable without the mapper.
    let (raw,): (Vec<u8>,) = s
        .query("SELECT location FROM places WHERE id = 1", ())
        .await
        .expect("raw select")
        .one()
        .expect("row");
    assert_eq!(raw.len(), 21);
    assert_eq!(&raw[..5], [1, 1, 0, 0, 0]);
    assert_eq!(raw[5..13], 2.3522f64.to_le_bytes());
}
