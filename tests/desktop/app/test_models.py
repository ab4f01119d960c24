"""The item models, checked with pytest-qt's model tester over the real store."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt

from desktop.app.models import (
    FILTER_ROLE,
    NODE_ROLE,
    ResultsModel,
    TreeModel,
    document_outline,
    entity_nodes,
)


def _outline(library):
    return document_outline([library.document(d["id"]) for d in library.documents()])


def test_document_outline_model(qtmodeltester, library):
    model = TreeModel(_outline(library))
    qtmodeltester.check(model)
    assert model.rowCount() == len(library.documents())
    res = model.find("doc:a-res-77-20")
    assert res.isValid() and model.data(res) == "A/RES/77/20"
    assert model.data(res.siblingAtColumn(1)) == str(library.document("a-res-77-20")["passages"])
    sections = [model.data(model.index(i, 0, res)) for i in range(model.rowCount(res))]
    assert sections[:2] == ["Preamble", "Operative part"]
    para17 = model.find("passage:a-res-77-20:op17")
    assert model.rowCount(para17) == 5  # (a)–(e) sit under para. 17
    sub = model.index(0, 0, para17)
    assert model.data(sub).startswith("(a)")
    assert model.parent(sub) == para17


def test_entity_tree_models(qtmodeltester, library):
    for tree in ("un", "capabilities", "themes"):
        flat = library.entity_tree(tree)
        model = TreeModel(entity_nodes(tree, flat))
        qtmodeltester.check(model)
        count = sum(
            1 for r in range(model.rowCount()) for _ in model.index(r, 0).data(NODE_ROLE).walk()
        )
        assert count == len(flat)


def test_recursive_filter_keeps_ancestors(qtmodeltester, library):
    model = TreeModel(entity_nodes("un", library.entity_tree("un")))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setRecursiveFilteringEnabled(True)
    proxy.setFilterRole(FILTER_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterFixedString("unodc")
    qtmodeltester.check(proxy)
    source = proxy.mapToSource(proxy.index(0, 0))
    assert source.data(NODE_ROLE).key == "entity:un"  # the root stays, to hold UNODC
    found = model.find("entity:unodc")
    assert proxy.mapFromSource(found).isValid()


def test_results_model(qtmodeltester, library):
    model = ResultsModel()
    model.set_hits(library.search("maritime piracy", limit=5).hits)
    qtmodeltester.check(model)
    assert model.rowCount() > 0
    assert "Maritime piracy" in model.index(0, 0).data()
    model.set_hits([])
    assert model.rowCount() == 0


def test_entity_tooltips_speak_to_the_officer(library):
    for tree in ("un", "capabilities", "themes"):
        for root in entity_nodes(tree, library.entity_tree(tree)):
            for node in root.walk():
                assert "_" not in node.tooltip, node.tooltip
