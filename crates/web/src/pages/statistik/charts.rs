//! The geometry of the page's charts, worked out on the server in whole SVG units: columns
//! over time (the monthly trend) and labelled rows of bars (categories, channels).

use super::numbers::Numbers;

/// Width of every chart in SVG units (scaled to the page's width).
pub const WIDTH: i64 = 600;
/// Height of the monthly trend, and of its plot (above the month labels).
const COLUMNS_HEIGHT: i64 = 230;
const PLOT_TOP: i64 = 30;
const PLOT_BOTTOM: i64 = 190;
/// Rows: a line for the label, then one bar per series.
const LABEL_LINE: i64 = 30;
const BAR: i64 = 22;
const BAR_GAP: i64 = 4;
const ROW_GAP: i64 = 12;
/// Room left right of the longest bar for its number.
const VALUE_ROOM: i64 = 110;

/// One column of the trend.
pub struct Column {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub title: String,
}

/// A label under the trend.
pub struct Tick {
    pub x: i64,
    pub text: String,
}

pub struct Columns {
    pub height: i64,
    pub columns: Vec<Column>,
    pub ticks: Vec<Tick>,
    /// The largest value, written at the top line.
    pub top: String,
    pub top_y: i64,
    pub base_y: i64,
}

/// One month: its first day (for labels), its count and the title of its column.
pub struct Point {
    pub year: i32,
    /// 0 for January.
    pub month0: usize,
    pub value: u64,
    pub title: String,
}

/// Columns for counts in order; labels under them: every month when there are few, else
/// each January (with the year), thinned to about ten.
pub fn columns(points: &[Point], month_names: &[&str; 12], numbers: Numbers) -> Columns {
    let n = i64::try_from(points.len()).unwrap_or(1).max(1);
    let max = points.iter().map(|p| p.value).max().unwrap_or(0);
    let slot = (WIDTH as f64) / (n as f64);
    let plot = (PLOT_BOTTOM - PLOT_TOP) as f64;
    let columns = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let height = if max == 0 {
                0
            } else {
                ((p.value as f64) / (max as f64) * plot).round() as i64
            };
            let x = (i as f64 * slot + slot * 0.1).round() as i64;
            Column {
                x,
                y: PLOT_BOTTOM - height,
                width: ((slot * 0.8).round() as i64).max(1),
                height,
                title: p.title.clone(),
            }
        })
        .collect();
    let mut ticks = Vec::new();
    if points.len() <= 12 {
        for (i, p) in points.iter().enumerate() {
            let name = month_names.get(p.month0).copied().unwrap_or_default();
            ticks.push(Tick {
                x: (i as f64 * slot + slot / 2.0).round() as i64,
                text: name.to_owned(),
            });
        }
    } else {
        let years = points.iter().filter(|p| p.month0 == 0).count().max(1);
        let every = years.div_ceil(8);
        let mut seen = 0;
        for (i, p) in points.iter().enumerate() {
            if p.month0 == 0 {
                if seen % every == 0 {
                    let middle = (i as f64 * slot + slot / 2.0).round() as i64;
                    ticks.push(Tick {
                        // Room for the year on either side.
                        x: middle.clamp(24, WIDTH - 24),
                        text: p.year.to_string(),
                    });
                }
                seen += 1;
            }
        }
    }
    Columns {
        height: COLUMNS_HEIGHT,
        columns,
        ticks,
        top: numbers.count(max),
        top_y: PLOT_TOP,
        base_y: PLOT_BOTTOM,
    }
}

/// One bar of a row.
pub struct RowBar {
    pub y: i64,
    pub width: i64,
    pub height: i64,
    /// Which series (its colour).
    pub series: usize,
    pub value_x: i64,
    pub value_y: i64,
    pub value: String,
    pub title: String,
    /// Longer than the scale allows (an aside row larger than every other): drawn at full
    /// width with a break in it.
    pub cut: bool,
}

pub struct Row {
    pub label: String,
    pub label_y: i64,
    pub bars: Vec<RowBar>,
}

pub struct Rows {
    pub height: i64,
    pub rows: Vec<Row>,
}

/// One row's label and its values, one per series, each with its title.
pub struct Item {
    pub label: String,
    pub values: Vec<(u64, String)>,
    /// Not one of the things compared but the rest put together ("Lainnya"): it does not set
    /// the scale, so a large rest never shrinks every other bar to a sliver.
    pub aside: bool,
}

/// Labelled rows of bars, all on one scale: the largest value of any series in a row that is
/// not aside (or of any row, when all are).
pub fn rows(items: &[Item], numbers: Numbers) -> Rows {
    let largest = |aside_too: bool| {
        items
            .iter()
            .filter(|i| aside_too || !i.aside)
            .flat_map(|i| i.values.iter().map(|(v, _)| *v))
            .max()
    };
    let max = largest(false).or_else(|| largest(true)).unwrap_or(0);
    let room = (WIDTH - VALUE_ROOM) as f64;
    let mut y = 0;
    let rows = items
        .iter()
        .map(|item| {
            let label_y = y + LABEL_LINE - 7;
            y += LABEL_LINE;
            let bars = item
                .values
                .iter()
                .enumerate()
                .map(|(series, (value, title))| {
                    let cut = *value > max;
                    let width = if max == 0 {
                        0
                    } else {
                        ((value.min(&max).to_owned() as f64) / (max as f64) * room).round() as i64
                    };
                    let bar = RowBar {
                        cut,
                        y,
                        width,
                        height: BAR,
                        series,
                        value_x: width + 8,
                        value_y: y + BAR - 4,
                        value: numbers.count(*value),
                        title: title.clone(),
                    };
                    y += BAR + BAR_GAP;
                    bar
                })
                .collect();
            y += ROW_GAP;
            Row {
                label: item.label.clone(),
                label_y,
                bars,
            }
        })
        .collect();
    Rows {
        height: y.max(1),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::Lang;

    const ID: Numbers = Numbers(Lang::Id);

    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
    ];

    fn point(year: i32, month0: usize, value: u64) -> Point {
        Point {
            year,
            month0,
            value,
            title: String::new(),
        }
    }

    #[test]
    fn the_largest_column_fills_the_plot_and_few_months_are_all_named() {
        let c = columns(&[point(2021, 0, 2), point(2021, 1, 4)], &MONTHS, ID);
        let heights: Vec<i64> = c.columns.iter().map(|c| c.height).collect();
        assert_eq!(heights, vec![80, 160]);
        assert_eq!(c.columns[1].y, PLOT_TOP);
        let ticks: Vec<&str> = c.ticks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(ticks, vec!["Jan", "Feb"]);
        assert_eq!(c.top, "4");
    }

    #[test]
    fn many_months_are_labelled_by_year_and_nothing_counted_draws_flat() {
        let points: Vec<Point> = (0..36)
            .map(|i| point(2020 + i / 12, (i % 12) as usize, 0))
            .collect();
        let c = columns(&points, &MONTHS, ID);
        assert!(c.columns.iter().all(|c| c.height == 0));
        let ticks: Vec<&str> = c.ticks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(ticks, vec!["2020", "2021", "2022"]);
    }

    #[test]
    fn rows_share_one_scale() {
        let r = rows(
            &[
                Item {
                    label: "JAKI".into(),
                    values: vec![(10, String::new()), (5, String::new())],
                    aside: false,
                },
                Item {
                    label: "SMS".into(),
                    values: vec![(1_000, String::new()), (0, String::new())],
                    aside: false,
                },
            ],
            ID,
        );
        let widths: Vec<i64> = r
            .rows
            .iter()
            .flat_map(|row| row.bars.iter().map(|b| b.width))
            .collect();
        assert_eq!(widths, vec![5, 2, 490, 0]);
        assert_eq!(r.rows[1].bars[0].value, "1.000");
        assert!(r.rows.iter().all(|row| row.bars.iter().all(|b| !b.cut)));
    }

    #[test]
    fn the_rest_put_together_does_not_set_the_scale() {
        let item = |label: &str, n: u64, aside: bool| Item {
            label: label.into(),
            values: vec![(n, String::new())],
            aside,
        };
        let r = rows(
            &[
                item("Jalan", 100, false),
                item("Banjir", 50, false),
                item("Lainnya", 900, true),
            ],
            ID,
        );
        let bars: Vec<(i64, bool, &str)> = r
            .rows
            .iter()
            .map(|row| {
                (
                    row.bars[0].width,
                    row.bars[0].cut,
                    row.bars[0].value.as_str(),
                )
            })
            .collect();
        assert_eq!(
            bars,
            vec![(490, false, "100"), (245, false, "50"), (490, true, "900")]
        );
        // A smaller rest is drawn to scale; a rest alone sets the scale itself.
        let small = rows(&[item("Jalan", 100, false), item("Lainnya", 20, true)], ID);
        assert_eq!(small.rows[1].bars[0].width, 98);
        assert!(!small.rows[1].bars[0].cut);
        let alone = rows(&[item("Lainnya", 20, true)], ID);
        assert_eq!(alone.rows[0].bars[0].width, 490);
        assert!(!alone.rows[0].bars[0].cut);
    }
}
