from .views import (
    ContractViewSet,
    FundingSourceViewSet,
    IndicatorCategoryViewSet,
    IndicatorSystemViewSet,
    IndicatorViewSet,
    PaymentInstalmentViewSet,
    PerformanceEvaluationViewSet,
)

routes = [
    ("funding-sources", FundingSourceViewSet, "fundingsource"),
    ("contracts", ContractViewSet, "contract"),
    ("evaluations", PerformanceEvaluationViewSet, "evaluation"),
    ("payment-instalments", PaymentInstalmentViewSet, "paymentinstalment"),
    ("indicator-systems", IndicatorSystemViewSet, "indicatorsystem"),
    ("indicator-categories", IndicatorCategoryViewSet, "indicatorcategory"),
    ("indicators", IndicatorViewSet, "indicator"),
]
