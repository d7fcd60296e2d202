//! Reading a spreadsheet's CSV: UTF-8 with or without a BOM, comma or semicolon,
//! quoted fields; columns found by header name (case, spaces and punctuation ignored)
//! among each field's common aliases; cells turned into typed JSON values.

use crate::AppError;
use chrono::NaiveDate;
use serde_json::Value;

/// The most rows one import may hold.
pub const MAX_ROWS: usize = 200_000;

/// A CSV file's header and rows, each row with its line number in the file.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A header as compared: lower-case letters and digits only ("E-mail" -> "email").
pub fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses `text` as CSV. The delimiter is whichever of `,` and `;` the header line
/// holds more of.
pub fn read(text: &str) -> Result<Table, AppError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(unreadable(e)),
        None => {
            return Err(AppError::Invalid(
                "The file is empty: it needs a header row".into(),
            ));
        }
    };
    if headers.iter().all(|h| h.is_empty()) {
        return Err(AppError::Invalid(
            "The first row must name the columns".into(),
        ));
    }
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(unreadable)?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(AppError::Invalid(format!(
                "The file has more than {MAX_ROWS} rows: split it"
            )));
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { headers, rows })
}

fn unreadable(e: ::csv::Error) -> AppError {
    let at = e
        .position()
        .map(|p| format!(" at line {}", p.line()))
        .unwrap_or_default();
    AppError::Invalid(format!("The file is not readable CSV{at}: {e}"))
}

/// How dates are written in the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateFormat {
    /// 2026-03-31
    #[default]
    Iso,
    /// 31/03/2026
    Dmy,
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Text,
    Date,
    Number,
    Bool,
    /// Several values separated by `,`, `;` or `|`.
    List,
}

/// Turns one cell into its JSON value, or a message for a person.
pub fn cell(ty: Ty, raw: &str, dates: DateFormat) -> Result<Value, String> {
    match ty {
        Ty::Text => Ok(Value::String(raw.to_string())),
        Ty::Date => date(raw, dates).map(|d| Value::String(d.to_string())),
        Ty::Number => number(raw).map(Value::from),
        Ty::Bool => match raw.to_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "x" => Ok(Value::Bool(true)),
            "no" | "n" | "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("\"{raw}\" is not yes or no")),
        },
        Ty::List => Ok(Value::Array(
            raw.split([',', ';', '|'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )),
    }
}

pub fn date(raw: &str, format: DateFormat) -> Result<NaiveDate, String> {
    let parsed = match format {
        DateFormat::Iso => NaiveDate::parse_from_str(raw, "%Y-%m-%d"),
        DateFormat::Dmy => NaiveDate::parse_from_str(raw, "%d/%m/%Y"),
    };
    parsed.map_err(|_| match format {
        DateFormat::Iso => {
            format!("\"{raw}\" is not a date like 2026-03-31 (use ?date_format=dmy for 31/03/2026)")
        }
        DateFormat::Dmy => format!("\"{raw}\" is not a date like 31/03/2026"),
    })
}

/// A number, with `.` or `,` as the decimal mark.
pub fn number(raw: &str) -> Result<f64, String> {
    let normal = if raw.contains('.') {
        raw.to_string()
    } else {
        raw.replace(',', ".")
    };
    normal
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| format!("\"{raw}\" is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_semicolons_and_quoted_fields_are_read() {
        let t =
            read("\u{feff}Name;Role\n\"Ann; Smith\";\"Lead \"\"UX\"\"\"\n\n;\nBo;Dev\n").unwrap();
        assert_eq!(t.headers, ["Name", "Role"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[0],
            (2, vec!["Ann; Smith".into(), "Lead \"UX\"".into()])
        );
        assert_eq!(t.rows[1].0, 5);
    }

    #[test]
    fn headers_compare_without_case_or_punctuation() {
        assert_eq!(normalise_header(" E-mail "), "email");
        assert_eq!(normalise_header("Hours/day"), "hoursday");
    }

    #[test]
    fn dates_and_numbers_in_both_conventions() {
        assert_eq!(
            date("2026-03-31", DateFormat::Iso).unwrap().to_string(),
            "2026-03-31"
        );
        assert_eq!(
            date("31/03/2026", DateFormat::Dmy).unwrap().to_string(),
            "2026-03-31"
        );
        assert!(date("31/03/2026", DateFormat::Iso).is_err());
        assert_eq!(number("7,5").unwrap(), 7.5);
        assert_eq!(number("7.5").unwrap(), 7.5);
        assert!(number("lots").is_err());
    }
}
