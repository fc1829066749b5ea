from .views import ContractViewSet, FundingSourceViewSet, PerformanceEvaluationViewSet

routes = [
    ("funding-sources", FundingSourceViewSet, "fundingsource"),
    ("contracts", ContractViewSet, "contract"),
    ("evaluations", PerformanceEvaluationViewSet, "evaluation"),
]
