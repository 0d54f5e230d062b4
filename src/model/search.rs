//! Search documents: what each feature gives the search index, one per anchored part of a page.

/// What a document is, which the results page shows next to its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A checklist as a whole.
    Checklist,
    /// One item of a checklist.
    Item,
    /// A note printed on a checklist.
    Note,
    /// A section of a manual page.
    Manual,
    /// A section of an inspector's guide.
    Guide,
    /// A section of any other page.
    Page,
    /// An entry of the guideline catalog (chapter, section or 遵守事項).
    Guideline,
    /// A step of a flowchart.
    Flowchart,
}

impl DocKind {
    /// Every kind, in the order of their codes in the search index.
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

    /// The kind's name as the results page shows it.
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

    /// The kind's number in the search index (its place in `ALL`).
    pub fn code(self) -> usize {
        DocKind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

/// One search result: the smallest part of a page that has its own anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// What the document is.
    pub kind: DocKind,
    /// The document's own text (an item's wording, a section's heading); matches here rank first.
    pub title: String,
    /// Relative to the site root, with the `#anchor` of the item or section.
    pub url: String,
    /// Where the document sits (checklist and section, manual and page), shown under the title.
    pub label: String,
    /// Searchable like the title but not shown: an item's key such as `2(3)`.
    pub keys: String,
    /// The document's text, searched and shown as the result's excerpt.
    pub body: String,
}
