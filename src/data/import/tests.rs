//! Tests of the Jira and Linear imports.
