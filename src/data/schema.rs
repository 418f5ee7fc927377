//! The four data schemas as typed values: backlog, roadmap, sprints, metrics.
//!
//! Closed sets of words are enums, not strings. Every type serializes to the
//! plain shape templates see (`data["team/backlog.toml"].item[0].status`),
//! the same whatever format the file was written in. Offsets of the values
//! that cross-file checks point at are kept beside them, out of serialization.
//! Reading a file into these types is `read.rs`; docs/data.md documents
//! every field.

use chrono::NaiveDate;
use serde::Serialize;

use super::decode::Choice;

macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl Choice for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl $name {
            /// The word written in data files, e.g. `in-progress`.
            pub fn as_str(self) -> &'static str {
                Choice::as_str(self)
            }
            /// The words for readers, e.g. "In progress".
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            /// Every value, in the order views show them.
            pub fn all() -> &'static [Self] {
                <Self as Choice>::ALL
            }
        }

        impl Default for $name {
            fn default() -> Self {
                <Self as Choice>::ALL[0]
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

choice!(
    /// What kind of work a backlog item is.
    ItemKind {
        Epic = "epic", "Epic";
        Story = "story", "Story";
        Bug = "bug", "Bug";
        Spike = "spike", "Spike";
        Chore = "chore", "Chore";
    }
);

choice!(
    /// Where a backlog item is in the flow; the board's columns, in order.
    Status {
        Backlog = "backlog", "Backlog";
        Ready = "ready", "Ready";
        InProgress = "in-progress", "In progress";
        Review = "review", "In review";
        Done = "done", "Done";
    }
);

choice!(
    Priority {
        Highest = "highest", "Highest";
        High = "high", "High";
        Medium = "medium", "Medium";
        Low = "low", "Low";
        Lowest = "lowest", "Lowest";
    }
);

choice!(
    /// The roadmap's now / next / later columns.
    Horizon {
        Now = "now", "Now";
        Next = "next", "Next";
        Later = "later", "Later";
    }
);

choice!(
    InitiativeStatus {
        Planned = "planned", "Planned";
        OnTrack = "on-track", "On track";
        AtRisk = "at-risk", "At risk";
        Done = "done", "Done";
    }
);

choice!(
    /// Whether a metric improves by going up or down.
    Direction {
        Up = "up", "Higher is better";
        Down = "down", "Lower is better";
    }
);

/// A file's validated contents, by the schema it declares.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Schema {
    Backlog(Backlog),
    Roadmap(Roadmap),
    Sprints(Sprints),
    Metrics(Metrics),
}

impl Schema {
    /// `backlog`, `roadmap`, `sprints` or `metrics`: the `schema` value, the
    /// `@kind/` of links and the folder of generated pages.
    pub fn name(&self) -> &'static str {
        match self {
            Schema::Backlog(_) => "backlog",
            Schema::Roadmap(_) => "roadmap",
            Schema::Sprints(_) => "sprints",
            Schema::Metrics(_) => "metrics",
        }
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.insert("schema".into(), self.name().into());
        }
        value
    }
}

/// Top-level keys every schema file may have besides its list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Heading {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Backlog {
    #[serde(flatten)]
    pub heading: Heading,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(rename = "item")]
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub kind: ItemKind,
    pub status: Status,
    pub rank: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sprint: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acceptance: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(skip)]
    pub(crate) at: Offsets,
}

/// Byte offsets of an entry's id and of its references, for diagnostics.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Offsets {
    pub id: usize,
    pub epic: usize,
    pub sprint: usize,
    pub rank: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Roadmap {
    #[serde(flatten)]
    pub heading: Heading,
    #[serde(rename = "initiative")]
    pub initiatives: Vec<Initiative>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Initiative {
    pub id: String,
    pub title: String,
    pub horizon: Horizon,
    pub status: InitiativeStatus,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub(crate) at: Offsets,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Sprints {
    #[serde(flatten)]
    pub heading: Heading,
    #[serde(rename = "sprint")]
    pub sprints: Vec<Sprint>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Sprint {
    pub number: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub goal: String,
    pub committed: u32,
    pub completed: u32,
    /// Total backlog points at the sprint's end, for the burn-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<u32>,
    /// Whether the sprint goal was met; absent while the sprint runs or
    /// when nobody recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal_met: Option<bool>,
    #[serde(skip)]
    pub(crate) at: Offsets,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Metrics {
    #[serde(flatten)]
    pub heading: Heading,
    #[serde(rename = "metric")]
    pub metrics: Vec<Metric>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Metric {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sorted by period.
    pub points: Vec<MetricPoint>,
    #[serde(skip)]
    pub(crate) at: Offsets,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricPoint {
    pub period: Period,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
}

/// A reporting period: a quarter (`2025-Q3`) or a month (`2025-09`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// The first month of the period, 1 to 12.
    pub month: u32,
    pub quarterly: bool,
}

impl Period {
    pub fn parse(text: &str) -> Option<Period> {
        let (year, rest) = text.split_once('-')?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = year.parse().ok()?;
        let bytes = rest.as_bytes();
        match bytes {
            [b'Q', q @ b'1'..=b'4'] => Some(Period {
                year,
                month: u32::from(q - b'1') * 3 + 1,
                quarterly: true,
            }),
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                let month = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
                Some(Period {
                    year,
                    month,
                    quarterly: false,
                })
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.quarterly {
            write!(f, "{}-Q{}", self.year, (self.month - 1) / 3 + 1)
        } else {
            write!(f, "{}-{:02}", self.year, self.month)
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_quarters_and_months() {
        let q = Period::parse("2025-Q3").expect("quarter");
        assert_eq!((q.year, q.month, q.quarterly), (2025, 7, true));
        assert_eq!(q.to_string(), "2025-Q3");
        assert_eq!(
            Period::parse("2025-09").map(|p| p.to_string()).as_deref(),
            Some("2025-09")
        );
        for bad in ["2025-Q5", "2025-13", "25-Q1", "2025-9", "2025Q1", "2025-Q"] {
            assert!(Period::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn choices_round_trip() {
        assert_eq!(Status::parse("in-progress"), Some(Status::InProgress));
        assert_eq!(Status::InProgress.label(), "In progress");
        assert_eq!(
            Status::allowed(),
            "backlog, ready, in-progress, review, done"
        );
    }
}
