//! Cursor pagination shared by every list: `?limit=&cursor=` in, `{items, next_cursor}` out.
//! The cursor is the id of the last item of the previous page; lists are ordered by id.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    pub fn after(&self) -> &str {
        self.cursor.as_deref().unwrap_or("")
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// `rows` were fetched with `limit + 1`: the extra row only tells that another page exists.
    pub fn from_rows(mut rows: Vec<T>, limit: usize, id_of: impl Fn(&T) -> String) -> Self {
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(id_of)
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }

    /// Pages through a list already in memory and sorted by id.
    pub fn from_sorted(all: Vec<T>, query: &PageQuery, id_of: impl Fn(&T) -> String) -> Self {
        let limit = query.limit();
        let after = query.after();
        let rows: Vec<T> = all
            .into_iter()
            .filter(|item| id_of(item).as_str() > after)
            .take(limit + 1)
            .collect();
        Self::from_rows(rows, limit, id_of)
    }
}

/// How a table is paged: the key compared with the cursor, and the field that orders by that key.
pub enum PageKey {
    /// The record id (`record::id(id)`, ordered by `id`).
    RecordId,
    /// A field such as `name`.
    Field(&'static str),
}

/// One page of a workspace's rows of `table` after the cursor. `table` and `fields` come from code,
/// never from requests.
pub async fn workspace_page<T: DeserializeOwned>(
    db: &crate::db::Db,
    table: &str,
    fields: &str,
    key: PageKey,
    workspace: &str,
    query: &PageQuery,
    key_of: impl Fn(&T) -> String,
) -> Result<Page<T>, crate::error::ApiError> {
    let (compare, order) = match key {
        PageKey::RecordId => ("record::id(id)", "id"),
        PageKey::Field(field) => (field, field),
    };
    let sql = format!(
        "SELECT {fields} FROM {table} WHERE workspace = $ws AND {compare} > $after ORDER BY {order} LIMIT $limit"
    );
    let rows: Vec<T> = db
        .rows(
            &sql,
            json!({ "ws": workspace, "after": query.after(), "limit": query.limit() + 1 }),
        )
        .await?;
    Ok(Page::from_rows(rows, query.limit(), key_of))
}
