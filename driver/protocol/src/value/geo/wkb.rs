//! Well-known binary (OGC simple features, 2D) for DSE's geometric types.
//!
//! Layout: one byte-order byte (`0` big-endian, `1` little-endian), a `u32` geometry type
//! code (1 point, 2 linestring, 3 polygon), then the body in that byte order: a point is two
//! `f64`s; a linestring a `u32` point count and its points; a polygon a `u32` ring count and
//! per ring a `u32` point count and its points.
//!
//! DSE and the DataStax drivers write little-endian and read both orders, so this codec does
//! the same. Empty geometries follow the drivers: `POINT EMPTY` is NaN NaN, the others a zero
//! count. Every count is checked against the bytes actually present before anything is
//! allocated for it, so a hostile count is an error, not a huge allocation; trailing bytes
//! are an error too, since DSE never sends them.

use super::{Geometry, Kind, LineString, Point, Polygon};
use crate::types::ColumnType;
use crate::value::error::{DeserializeError, SerializeError};

/// Byte-order marker of little-endian (NDR) WKB, the order written.
const LITTLE_ENDIAN: u8 = 1;
/// Byte-order marker of big-endian (XDR) WKB.
const BIG_ENDIAN: u8 = 0;
/// Bytes of one encoded point.
const POINT_SIZE: usize = 16;

/// Decodes the WKB of a value of custom type `typ`, which holds geometries of kind `kind`.
pub(crate) fn decode(
    typ: &ColumnType,
    kind: Kind,
    bytes: &[u8],
) -> Result<Geometry, DeserializeError> {
    let mut r = Reader::new(typ, bytes)?;
    let code = r.u32("the geometry type")?;
    if code != kind.code() {
        return Err(DeserializeError::malformed(
            typ,
            format!(
                "WKB geometry type {code} ({}) where {} ({}) was expected",
                code_name(code),
                kind.code(),
                kind.keyword()
            ),
        ));
    }
    let geometry = match kind {
        Kind::Point => Geometry::Point(r.point()?),
        Kind::LineString => Geometry::LineString(LineString(r.points()?)),
        Kind::Polygon => {
            let count = r.count("rings", 4)?;
            let mut rings = Vec::with_capacity(count);
            for _ in 0..count {
                rings.push(r.points()?);
            }
            Geometry::Polygon(Polygon { rings })
        }
    };
    r.finish()?;
    Ok(geometry)
}

/// A name for a WKB type code in messages (the ISO codes for Z/M variants add 1000s).
fn code_name(code: u32) -> &'static str {
    match code {
        1 => "POINT",
        2 => "LINESTRING",
        3 => "POLYGON",
        4 => "MULTIPOINT",
        5 => "MULTILINESTRING",
        6 => "MULTIPOLYGON",
        7 => "GEOMETRYCOLLECTION",
        1001..=1007 | 2001..=2007 | 3001..=3007 => "a Z/M geometry, which DSE does not support",
        _ => "unknown",
    }
}

/// Appends the little-endian WKB of `g` for a column of type `typ` (for error messages).
pub(crate) fn encode(
    typ: &ColumnType,
    g: GeometryRef<'_>,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    out.push(LITTLE_ENDIAN);
    match g {
        GeometryRef::Point(p) => {
            out.extend_from_slice(&Kind::Point.code().to_le_bytes());
            put_point(out, p);
        }
        GeometryRef::LineString(l) => {
            out.extend_from_slice(&Kind::LineString.code().to_le_bytes());
            put_points(typ, out, &l.0)?;
        }
        GeometryRef::Polygon(p) => {
            out.extend_from_slice(&Kind::Polygon.code().to_le_bytes());
            put_count(typ, out, p.rings.len())?;
            for ring in &p.rings {
                put_points(typ, out, ring)?;
            }
        }
    }
    Ok(())
}

/// A borrowed geometry to encode (the typed impls and `CqlValue` both hold references).
#[derive(Debug, Clone, Copy)]
pub(crate) enum GeometryRef<'a> {
    Point(&'a Point),
    LineString(&'a LineString),
    Polygon(&'a Polygon),
}

fn put_point(out: &mut Vec<u8>, p: &Point) {
    out.extend_from_slice(&p.x.to_le_bytes());
    out.extend_from_slice(&p.y.to_le_bytes());
}

fn put_count(typ: &ColumnType, out: &mut Vec<u8>, n: usize) -> Result<(), SerializeError> {
    let n = u32::try_from(n).map_err(|_| SerializeError::TooLarge {
        cql_type: Box::new(typ.clone()),
        length: n,
    })?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

fn put_points(typ: &ColumnType, out: &mut Vec<u8>, points: &[Point]) -> Result<(), SerializeError> {
    put_count(typ, out, points.len())?;
    out.reserve(points.len().saturating_mul(POINT_SIZE));
    for p in points {
        put_point(out, p);
    }
    Ok(())
}

/// A cursor over WKB bytes in the byte order their first byte announces.
struct Reader<'a> {
    typ: &'a ColumnType,
    bytes: &'a [u8],
    pos: usize,
    little: bool,
}

impl<'a> Reader<'a> {
    fn new(typ: &'a ColumnType, bytes: &'a [u8]) -> Result<Reader<'a>, DeserializeError> {
        let little = match bytes.first() {
            Some(&LITTLE_ENDIAN) => true,
            Some(&BIG_ENDIAN) => false,
            Some(other) => {
                return Err(DeserializeError::malformed(
                    typ,
                    format!("WKB byte order marker {other} is neither 0 nor 1"),
                ));
            }
            None => return Err(DeserializeError::malformed(typ, "empty WKB")),
        };
        Ok(Reader {
            typ,
            bytes,
            pos: 1,
            little,
        })
    }

    fn take<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DeserializeError> {
        let end = self.pos.saturating_add(N);
        let chunk = self
            .bytes
            .get(self.pos..end)
            .and_then(|b| <[u8; N]>::try_from(b).ok())
            .ok_or_else(|| {
                DeserializeError::malformed(
                    self.typ,
                    format!(
                        "WKB truncated reading {what}: {N} bytes needed at offset {}, {} left",
                        self.pos,
                        self.remaining()
                    ),
                )
            })?;
        self.pos = end;
        Ok(chunk)
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn u32(&mut self, what: &str) -> Result<u32, DeserializeError> {
        let b = self.take::<4>(what)?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, what: &str) -> Result<f64, DeserializeError> {
        let b = self.take::<8>(what)?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    fn point(&mut self) -> Result<Point, DeserializeError> {
        Ok(Point {
            x: self.f64("an x coordinate")?,
            y: self.f64("a y coordinate")?,
        })
    }

    /// A count of items of at least `item_size` bytes each, refused if the remaining bytes
    /// cannot hold that many: the bound that keeps allocations proportional to the input.
    fn count(&mut self, what: &str, item_size: usize) -> Result<usize, DeserializeError> {
        let n = self.u32(what)?;
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n > self.remaining() / item_size {
            return Err(DeserializeError::malformed(
                self.typ,
                format!(
                    "WKB announces {n} {what} but only {} bytes follow",
                    self.remaining()
                ),
            ));
        }
        Ok(n)
    }

    fn points(&mut self) -> Result<Vec<Point>, DeserializeError> {
        let n = self.count("points", POINT_SIZE)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.point()?);
        }
        Ok(out)
    }

    fn finish(self) -> Result<(), DeserializeError> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(DeserializeError::malformed(
                self.typ,
                format!("{n} trailing bytes after the WKB geometry"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{LINE_STRING_TYPE_CLASS, POINT_TYPE_CLASS, POLYGON_TYPE_CLASS};

    fn typ(kind: Kind) -> ColumnType {
        ColumnType::Custom(
            match kind {
                Kind::Point => POINT_TYPE_CLASS,
                Kind::LineString => LINE_STRING_TYPE_CLASS,
                Kind::Polygon => POLYGON_TYPE_CLASS,
            }
            .to_owned(),
        )
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex literal"))
            .collect()
    }

    fn enc(kind: Kind, g: GeometryRef<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        encode(&typ(kind), g, &mut out).expect("encodes");
        out
    }

    fn dec(kind: Kind, bytes: &[u8]) -> Result<Geometry, DeserializeError> {
        decode(&typ(kind), kind, bytes)
    }

    // The byte vectors below were produced once with the DataStax Python driver 3.30.1
    // (tests/python/requirements.txt), e.g.
    //   from cassandra.cqltypes import PointType; from cassandra.util import Point
    //   PointType.serialize(Point(1, 2), 4).hex()
    // and likewise LineStringType / PolygonType; the big-endian ones were built with
    // struct.pack('>...') and checked to decode in the Python driver to the values named.
    const PY_POINT_1_2: &str = "0101000000000000000000f03f0000000000000040";
    const PY_POINT_NEG: &str = "0101000000000000000000f8bf9a9999999999b93f"; // (-1.5, 0.1)
    const PY_POINT_EMPTY: &str = "0101000000000000000000f87f000000000000f87f"; // Point()
    // LineString([(0, 0), (1, 1), (2.5, -3)])
    const PY_LINE: &str = "01020000000300000000000000000000000000000000000000000000000000f03f000000000000f03f000000000000044000000000000008c0";
    const PY_LINE_EMPTY: &str = "010200000000000000";
    // Polygon([(0,0),(10,0),(10,10),(0,10),(0,0)], [[(1,1),(2,1),(2,2),(1,1)]])
    const PY_POLYGON: &str = "01030000000200000005000000000000000000000000000000000000000000000000002440000000000000000000000000000024400000000000002440000000000000000000000000000024400000000000000000000000000000000004000000000000000000f03f000000000000f03f0000000000000040000000000000f03f00000000000000400000000000000040000000000000f03f000000000000f03f";
    const PY_POLYGON_EMPTY: &str = "010300000000000000";
    // Big-endian: POINT (3 -4), LINESTRING (1 2, 3 4), POLYGON ((0 0, 1 0, 1 1, 0 0)).
    const BE_POINT: &str = "00000000014008000000000000c010000000000000";
    const BE_LINE: &str =
        "0000000002000000023ff0000000000000400000000000000040080000000000004010000000000000";
    const BE_POLYGON: &str = "00000000030000000100000004000000000000000000000000000000003ff000000000000000000000000000003ff00000000000003ff000000000000000000000000000000000000000000000";

    fn p(x: f64, y: f64) -> Point {
        Point::new(x, y)
    }

    fn square_with_hole() -> Polygon {
        Polygon::new(vec![
            vec![p(0., 0.), p(10., 0.), p(10., 10.), p(0., 10.), p(0., 0.)],
            vec![p(1., 1.), p(2., 1.), p(2., 2.), p(1., 1.)],
        ])
    }

    #[test]
    fn writes_what_the_python_driver_writes() {
        let point = p(1., 2.);
        assert_eq!(
            enc(Kind::Point, GeometryRef::Point(&point)),
            hex(PY_POINT_1_2)
        );
        let neg = p(-1.5, 0.1);
        assert_eq!(
            enc(Kind::Point, GeometryRef::Point(&neg)),
            hex(PY_POINT_NEG)
        );
        assert_eq!(
            enc(Kind::Point, GeometryRef::Point(&Point::EMPTY)),
            hex(PY_POINT_EMPTY)
        );
        let line = LineString(vec![p(0., 0.), p(1., 1.), p(2.5, -3.)]);
        assert_eq!(
            enc(Kind::LineString, GeometryRef::LineString(&line)),
            hex(PY_LINE)
        );
        assert_eq!(
            enc(
                Kind::LineString,
                GeometryRef::LineString(&LineString::default())
            ),
            hex(PY_LINE_EMPTY)
        );
        assert_eq!(
            enc(Kind::Polygon, GeometryRef::Polygon(&square_with_hole())),
            hex(PY_POLYGON)
        );
        assert_eq!(
            enc(Kind::Polygon, GeometryRef::Polygon(&Polygon::default())),
            hex(PY_POLYGON_EMPTY)
        );
    }

    #[test]
    fn reads_what_the_python_driver_writes() {
        assert_eq!(
            dec(Kind::Point, &hex(PY_POINT_1_2)),
            Ok(Geometry::Point(p(1., 2.)))
        );
        assert!(matches!(
            dec(Kind::Point, &hex(PY_POINT_EMPTY)),
            Ok(Geometry::Point(e)) if e.is_empty()
        ));
        assert_eq!(
            dec(Kind::LineString, &hex(PY_LINE)),
            Ok(Geometry::LineString(LineString(vec![
                p(0., 0.),
                p(1., 1.),
                p(2.5, -3.)
            ])))
        );
        assert_eq!(
            dec(Kind::LineString, &hex(PY_LINE_EMPTY)),
            Ok(Geometry::LineString(LineString::default()))
        );
        assert_eq!(
            dec(Kind::Polygon, &hex(PY_POLYGON)),
            Ok(Geometry::Polygon(square_with_hole()))
        );
        assert_eq!(
            dec(Kind::Polygon, &hex(PY_POLYGON_EMPTY)),
            Ok(Geometry::Polygon(Polygon::default()))
        );
    }

    #[test]
    fn reads_big_endian_wkb() {
        assert_eq!(
            dec(Kind::Point, &hex(BE_POINT)),
            Ok(Geometry::Point(p(3., -4.)))
        );
        assert_eq!(
            dec(Kind::LineString, &hex(BE_LINE)),
            Ok(Geometry::LineString(LineString(vec![p(1., 2.), p(3., 4.)])))
        );
        assert_eq!(
            dec(Kind::Polygon, &hex(BE_POLYGON)),
            Ok(Geometry::Polygon(Polygon::new(vec![vec![
                p(0., 0.),
                p(1., 0.),
                p(1., 1.),
                p(0., 0.)
            ]])))
        );
    }

    #[test]
    fn round_trips_keep_every_bit() {
        let odd = p(-0.0, f64::from_bits(1));
        let bytes = enc(Kind::Point, GeometryRef::Point(&odd));
        let Ok(Geometry::Point(back)) = dec(Kind::Point, &bytes) else {
            panic!("did not decode");
        };
        assert_eq!(back.x.to_bits(), (-0.0f64).to_bits());
        assert_eq!(back.y.to_bits(), 1);
        let poly = Polygon::new(vec![vec![], vec![p(f64::MAX, f64::MIN)]]);
        let bytes = enc(Kind::Polygon, GeometryRef::Polygon(&poly));
        assert_eq!(dec(Kind::Polygon, &bytes), Ok(Geometry::Polygon(poly)));
    }

    fn reason(r: Result<Geometry, DeserializeError>) -> String {
        match r {
            Err(DeserializeError::Malformed { reason, .. }) => reason,
            other => panic!("expected a malformed-value error, got {other:?}"),
        }
    }

    #[test]
    fn bad_headers_are_errors() {
        assert_eq!(reason(dec(Kind::Point, &[])), "empty WKB");
        assert!(reason(dec(Kind::Point, &[7, 1, 0, 0, 0])).contains("byte order marker 7"));
        assert!(reason(dec(Kind::Point, &[1, 1, 0])).contains("truncated"));
        // A linestring's bytes in a point column.
        let e = reason(dec(Kind::Point, &hex(PY_LINE)));
        assert!(
            e.contains("type 2 (LINESTRING)") && e.contains("1 (POINT)"),
            "{e}"
        );
        // ISO WKB of POINT Z.
        let z = [1, 0xE9, 0x03, 0, 0];
        assert!(reason(dec(Kind::Point, &z)).contains("Z/M"));
    }

    #[test]
    fn short_bodies_and_trailing_bytes_are_errors() {
        let full = hex(PY_POINT_1_2);
        assert!(reason(dec(Kind::Point, &full[..full.len() - 1])).contains("truncated"));
        let mut long = full.clone();
        long.push(0);
        assert!(reason(dec(Kind::Point, &long)).contains("1 trailing bytes"));
        let line = hex(PY_LINE);
        assert!(reason(dec(Kind::LineString, &line[..line.len() - 16])).contains("3 points"));
    }

    #[test]
    fn absurd_counts_are_refused_before_allocating() {
        // u32::MAX points (64 GiB) announced with nothing behind them.
        let line = [1, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        let e = reason(dec(Kind::LineString, &line));
        assert!(e.contains("4294967295 points but only 0 bytes"), "{e}");
        let rings = [1, 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0];
        assert!(reason(dec(Kind::Polygon, &rings)).contains("2147483647 rings"));
        // Many empty rings are fine as long as the bytes are there (4 per ring).
        let mut ok = vec![1, 3, 0, 0, 0, 3, 0, 0, 0];
        ok.extend([0u8; 12]);
        assert_eq!(
            dec(Kind::Polygon, &ok),
            Ok(Geometry::Polygon(Polygon::new(vec![
                vec![],
                vec![],
                vec![]
            ])))
        );
    }
}
