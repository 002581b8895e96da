"""The scheduling dry-run: place every pod of the input on a node inventory as kube-scheduler would.

    inventory.py   nodes from v1 Node / NodeList objects and the compact kubelint.io/v1alpha1 NodePool
    pods.py        pods from workloads: replicas, DaemonSets, Jobs; effective requests; priorities
    selectors.py   label selectors, node selectors, tolerations (k8s.io/apimachinery labels,
                   component-helpers/scheduling/corev1)
    cluster.py     the cluster state: per-node arrays (numpy) that the plugins read, kept in step
    framework.py   statuses, plugin interfaces, profiles and weights
    plugins/       one module per kube-scheduler plugin, named as upstream
    config.py      KubeSchedulerConfiguration (--scheduler-config)
    scheduler.py   the queue, scheduling cycles, kube-scheduler's messages, preemption
    analysis.py    rolling-update surge, high availability, node and zone failure, headroom, HPA
    aspects.py     the dry-run of `kubelint check --nodes` and what each of its rules reports
    report.py      the text and JSON reports of `kubelint schedule`

``scheduler.simulate(resources, node_resources, ...)`` is the entry point. ``aspects.DryRun`` runs it for
``kubelint check --nodes``, whose rules ``kubelint/checks/schedule.py`` binds to its aspects;
``kubelint/cli/schedule.py`` is the ``kubelint schedule`` command. The NodePool kind is defined in
``kubelint/schema/nodepool.py``. Most modules here import numpy: callers import them only when a dry-run
actually runs.
"""
