//! Search documents: what each feature gives the search index, one per anchored part of a page.

/// What a document is, which the results page shows next to its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Checklist,
    Item,
    Note,
    Manual,
    Guide,
    Page,
    Guideline,
    Flowchart,
}

impl DocKind {
    pub const ALL: [DocKind; 8] = [
        DocKind::Checklist,
        DocKind::Item,
        DocKind::Note,
        DocKind::Manual,
        DocKind::Guide,
        DocKind::Page,
        DocKind::Guideline,
        DocKind::Flowchart,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DocKind::Checklist => "チェックリスト",
            DocKind::Item => "チェック項目",
            DocKind::Note => "チェックリストの注記",
            DocKind::Manual => "マニュアル",
            DocKind::Guide => "立入検査の手引き",
            DocKind::Page => "ページ",
            DocKind::Guideline => "ガイドライン",
            DocKind::Flowchart => "フローチャート",
        }
    }

    pub fn code(self) -> usize {
        DocKind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

/// One search result: the smallest part of a page that has its own anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub kind: DocKind,
    /// The document's own text (an item's wording, a section's heading); matches here rank first.
    pub title: String,
    /// Relative to the site root, with the `#anchor` of the item or section.
    pub url: String,
    /// Where the document sits (checklist and section, manual and page), shown under the title.
    pub label: String,
    /// Searchable like the title but not shown: an item's key such as `2(3)`.
    pub keys: String,
    pub body: String,
}
