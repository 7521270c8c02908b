//! Well-known text: `Display` and `FromStr` for [`Point`], [`LineString`] and [`Polygon`].
//!
//! Rendering follows the DataStax drivers' `str()`: `POINT (1 2)`, `LINESTRING (0 0, 1 1)`,
//! `POLYGON ((0 0, 1 0, 1 1, 0 0), (..hole..))`, and `POINT EMPTY`, `LINESTRING EMPTY`,
//! `POLYGON EMPTY`. Coordinates are printed so that parsing gives back the same `f64`
//! (shortest round-trip digits; exponent form outside 1e-5..1e16 so that 1e300 is not 301
//! characters long); NaN and infinities print as `NaN` and `inf`, which parse back.
//!
//! Parsing accepts what OGC WKT allows for these three 2D types: keywords in any case, any
//! whitespace, `EMPTY` for a whole geometry or a polygon ring, and numbers in any form Rust's
//! `f64` parser takes (the Python driver writes `1.0`, Java `1.0E10`). Z/M coordinates, SRID
//! prefixes and other geometry types are errors naming what was found and where.

use std::fmt::{self, Display, Formatter};
use std::str::FromStr;

use super::{Kind, LineString, Point, Polygon};

/// Why a string is not the WKT of the geometry asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WktError {
    /// The text has a token where another was required (or ended early).
    #[error("invalid WKT: expected {expected} at byte {position}, found {found}")]
    Unexpected {
        /// What the grammar required there.
        expected: &'static str,
        /// Byte offset in the text.
        position: usize,
        /// What was there (`end of input` if nothing).
        found: String,
    },
    /// A coordinate that is not a number.
    #[error("invalid WKT: `{text}` at byte {position} is not a number")]
    BadNumber {
        /// The offending token.
        text: String,
        /// Byte offset in the text.
        position: usize,
    },
    /// Valid-looking WKT of another geometry type (or with Z/M coordinates).
    #[error(
        "WKT `{found}` is not a {expected} (only 2D POINT, LINESTRING and POLYGON exist in DSE)"
    )]
    WrongGeometry {
        /// The geometry type asked for.
        expected: &'static str,
        /// The geometry keyword(s) the text starts with.
        found: String,
    },
}

/// Writes one coordinate so that it parses back to the same bits (see the module docs).
fn coordinate(f: &mut Formatter<'_>, v: f64) -> fmt::Result {
    let magnitude = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-5..1e16).contains(&magnitude) {
        write!(f, "{v}")
    } else {
        write!(f, "{v:e}")
    }
}

fn point_body(f: &mut Formatter<'_>, p: &Point) -> fmt::Result {
    coordinate(f, p.x)?;
    f.write_str(" ")?;
    coordinate(f, p.y)
}

/// `(x y, x y, ...)`, or `EMPTY` for no points.
fn points(f: &mut Formatter<'_>, ps: &[Point]) -> fmt::Result {
    if ps.is_empty() {
        return f.write_str("EMPTY");
    }
    f.write_str("(")?;
    for (i, p) in ps.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        point_body(f, p)?;
    }
    f.write_str(")")
}

impl Display for Point {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("POINT EMPTY");
        }
        f.write_str("POINT (")?;
        point_body(f, self)?;
        f.write_str(")")
    }
}

impl Display for LineString {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("LINESTRING ")?;
        points(f, &self.0)
    }
}

impl Display for Polygon {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.rings.is_empty() {
            return f.write_str("POLYGON EMPTY");
        }
        f.write_str("POLYGON (")?;
        for (i, ring) in self.rings.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            points(f, ring)?;
        }
        f.write_str(")")
    }
}

impl FromStr for Point {
    type Err = WktError;

    fn from_str(s: &str) -> Result<Point, WktError> {
        let mut p = Parser::new(s);
        p.keyword(Kind::Point)?;
        let point = if p.empty() {
            Point::EMPTY
        } else {
            p.open()?;
            let point = p.point()?;
            p.close()?;
            point
        };
        p.end()?;
        Ok(point)
    }
}

impl FromStr for LineString {
    type Err = WktError;

    fn from_str(s: &str) -> Result<LineString, WktError> {
        let mut p = Parser::new(s);
        p.keyword(Kind::LineString)?;
        let line = LineString(p.point_list()?);
        p.end()?;
        Ok(line)
    }
}

impl FromStr for Polygon {
    type Err = WktError;

    fn from_str(s: &str) -> Result<Polygon, WktError> {
        let mut p = Parser::new(s);
        p.keyword(Kind::Polygon)?;
        let mut rings = Vec::new();
        if !p.empty() {
            p.open()?;
            rings.push(p.point_list()?);
            while p.comma() {
                rings.push(p.point_list()?);
            }
            p.close()?;
        }
        p.end()?;
        Ok(Polygon { rings })
    }
}

/// A cursor over WKT text. Tokens are `(`, `)`, `,` and words (runs of anything else that
/// is not whitespace: keywords and numbers).
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser { text, pos: 0 }
    }

    /// The next token and its start, without consuming it.
    fn peek(&self) -> Option<(usize, &'a str)> {
        let rest = &self.text[self.pos..];
        let start = self.pos + (rest.len() - rest.trim_start().len());
        let rest = &self.text[start..];
        let first = rest.chars().next()?;
        let len = if matches!(first, '(' | ')' | ',') {
            1
        } else {
            rest.find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ','))
                .unwrap_or(rest.len())
        };
        Some((start, &rest[..len]))
    }

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let (start, token) = self.peek()?;
        self.pos = start + token.len();
        Some((start, token))
    }

    fn unexpected(&self, expected: &'static str) -> WktError {
        let (position, found) = match self.peek() {
            Some((at, token)) => (at, format!("`{token}`")),
            None => (self.text.len(), "end of input".to_owned()),
        };
        WktError::Unexpected {
            expected,
            position,
            found,
        }
    }

    /// The geometry keyword of `kind`; anything else (another type, `POINT Z`, `SRID=`) is
    /// [`WktError::WrongGeometry`].
    fn keyword(&mut self, kind: Kind) -> Result<(), WktError> {
        let Some((_, word)) = self.peek() else {
            return Err(self.unexpected(kind.keyword()));
        };
        if !word.eq_ignore_ascii_case(kind.keyword()) {
            return Err(WktError::WrongGeometry {
                expected: kind.keyword(),
                found: word.to_owned(),
            });
        }
        self.next();
        if let Some((_, dim)) = self.peek()
            && ["Z", "M", "ZM"].iter().any(|d| dim.eq_ignore_ascii_case(d))
        {
            return Err(WktError::WrongGeometry {
                expected: kind.keyword(),
                found: format!("{word} {dim}"),
            });
        }
        Ok(())
    }

    /// Consumes `EMPTY` if it is next.
    fn empty(&mut self) -> bool {
        let is_empty = matches!(self.peek(), Some((_, w)) if w.eq_ignore_ascii_case("EMPTY"));
        if is_empty {
            self.next();
        }
        is_empty
    }

    fn punct(&mut self, c: &'static str, expected: &'static str) -> Result<(), WktError> {
        match self.peek() {
            Some((_, t)) if t == c => {
                self.next();
                Ok(())
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    fn open(&mut self) -> Result<(), WktError> {
        self.punct("(", "`(` or EMPTY")
    }

    fn close(&mut self) -> Result<(), WktError> {
        self.punct(")", "`,` or `)`")
    }

    fn comma(&mut self) -> bool {
        self.punct(",", "`,`").is_ok()
    }

    fn number(&mut self) -> Result<f64, WktError> {
        match self.peek() {
            Some((at, t)) if !matches!(t, "(" | ")" | ",") => {
                self.next();
                t.parse().map_err(|_| WktError::BadNumber {
                    text: t.to_owned(),
                    position: at,
                })
            }
            _ => Err(self.unexpected("a coordinate")),
        }
    }

    /// `x y`, refusing a third coordinate (Z or M) with a clear message.
    fn point(&mut self) -> Result<Point, WktError> {
        let x = self.number()?;
        let y = self.number()?;
        if let Some((_, t)) = self.peek()
            && !matches!(t, "(" | ")" | ",")
        {
            return Err(self.unexpected("`,` or `)` after two coordinates (no Z/M in DSE)"));
        }
        Ok(Point { x, y })
    }

    /// `EMPTY` or `(x y, ...)`.
    fn point_list(&mut self) -> Result<Vec<Point>, WktError> {
        if self.empty() {
            return Ok(Vec::new());
        }
        self.open()?;
        let mut out = vec![self.point()?];
        while self.comma() {
            out.push(self.point()?);
        }
        self.close()?;
        Ok(out)
    }

    fn end(&self) -> Result<(), WktError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected("the end of the geometry")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point::new(x, y)
    }

    #[test]
    fn renders_like_the_drivers() {
        assert_eq!(p(1., 2.).to_string(), "POINT (1 2)");
        assert_eq!(p(-1.5, 0.1).to_string(), "POINT (-1.5 0.1)");
        assert_eq!(Point::EMPTY.to_string(), "POINT EMPTY");
        assert_eq!(
            LineString(vec![p(0., 0.), p(1., 1.)]).to_string(),
            "LINESTRING (0 0, 1 1)"
        );
        assert_eq!(LineString::default().to_string(), "LINESTRING EMPTY");
        let poly = Polygon::new(vec![
            vec![p(0., 0.), p(10., 0.), p(10., 10.), p(0., 0.)],
            vec![p(1., 1.), p(2., 1.), p(2., 2.), p(1., 1.)],
        ]);
        assert_eq!(
            poly.to_string(),
            "POLYGON ((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 2, 1 1))"
        );
        assert_eq!(Polygon::default().to_string(), "POLYGON EMPTY");
        assert_eq!(p(1e300, -2.5e-7).to_string(), "POINT (1e300 -2.5e-7)");
    }

    #[test]
    fn parses_what_it_renders_bit_for_bit() {
        let odd = [
            0.1,
            -0.0,
            1e300,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::MAX,
            123_456.789,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in odd {
            let back: Point = p(x, -x).to_string().parse().expect("parses");
            assert_eq!(back.x.to_bits(), x.to_bits(), "{x}");
            assert_eq!(back.y.to_bits(), (-x).to_bits(), "{x}");
        }
        let poly = Polygon::new(vec![vec![p(0., 0.), p(1., 0.), p(0., 0.)], vec![]]);
        assert_eq!(poly.to_string(), "POLYGON ((0 0, 1 0, 0 0), EMPTY)");
        assert_eq!(poly.to_string().parse(), Ok(poly));
    }

    #[test]
    fn parses_other_spellings() {
        // The Python driver's str() and its literals in simple statements.
        assert_eq!("POINT (1.0 2.5)".parse(), Ok(p(1., 2.5)));
        assert!(
            "POINT (nan nan)"
                .parse::<Point>()
                .is_ok_and(|p| p.is_empty())
        );
        assert!("point empty".parse::<Point>().is_ok_and(|p| p.is_empty()));
        assert_eq!("Point(1E2  -3)".parse(), Ok(p(100., -3.)));
        assert_eq!(
            "\tlinestring(1 2,3 4)\n".parse(),
            Ok(LineString(vec![p(1., 2.), p(3., 4.)]))
        );
        assert_eq!("LINESTRING EMPTY".parse(), Ok(LineString::default()));
        assert_eq!("POLYGON EMPTY".parse(), Ok(Polygon::default()));
        assert_eq!(
            "POLYGON((0 0,1 0,0 0))".parse(),
            Ok(Polygon::new(vec![vec![p(0., 0.), p(1., 0.), p(0., 0.)]]))
        );
    }

    #[test]
    fn bad_wkt_is_a_clear_error() {
        assert_eq!(
            "LINESTRING (1 2)".parse::<Point>(),
            Err(WktError::WrongGeometry {
                expected: "POINT",
                found: "LINESTRING".into()
            })
        );
        assert_eq!(
            "POINT Z (1 2 3)".parse::<Point>(),
            Err(WktError::WrongGeometry {
                expected: "POINT",
                found: "POINT Z".into()
            })
        );
        let e = "POINT (1 2 3)"
            .parse::<Point>()
            .expect_err("three coordinates");
        assert!(
            e.to_string().contains("no Z/M") && e.to_string().contains("byte 11"),
            "{e}"
        );
        assert_eq!(
            "POINT (1 x)".parse::<Point>(),
            Err(WktError::BadNumber {
                text: "x".into(),
                position: 9
            })
        );
        assert_eq!(
            "POINT (1 2".parse::<Point>(),
            Err(WktError::Unexpected {
                expected: "`,` or `)`",
                position: 10,
                found: "end of input".into()
            })
        );
        let e = "LINESTRING (1 2,)"
            .parse::<LineString>()
            .expect_err("dangling comma");
        assert!(
            e.to_string()
                .contains("expected a coordinate at byte 16, found `)`"),
            "{e}"
        );
        let e = "POLYGON (1 2)"
            .parse::<Polygon>()
            .expect_err("ring without parens");
        assert!(e.to_string().contains("expected `(` or EMPTY"), "{e}");
        let e = "POINT (1 2) junk".parse::<Point>().expect_err("trailing");
        assert!(e.to_string().contains("the end of the geometry"), "{e}");
        assert!("".parse::<Polygon>().is_err());
        assert!("POINT ()".parse::<Point>().is_err());
    }
}
