"""The fast schema engine (jsonschema-rs) and the reference (python-jsonschema) report the
same findings; the corpus has plenty of invalid documents to compare them on."""

from __future__ import annotations

from conftest import CORPUS, needs_shared
from kubelint import Options, check


@needs_shared(CORPUS)
def test_engines_agree_on_the_corpus():
    folders = [str(CORPUS / name) for name in ("yannh__kubeconform", "zegl__kube-score", "kubernetes__examples",
                                               "prometheus-operator__prometheus-operator")]
    fast = check(folders, options=Options(schema_engine="fast")).findings
    reference = check(folders, options=Options(schema_engine="reference")).findings
    assert len(fast) > 100
    assert [f.to_dict() for f in fast] == [f.to_dict() for f in reference]
