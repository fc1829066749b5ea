from .views import (
    ContractViewSet,
    FundingSourceViewSet,
    IndicatorCategoryViewSet,
    IndicatorSystemViewSet,
    IndicatorViewSet,
    PaymentInstalmentViewSet,
    PerformanceEvaluationViewSet,
    VentureApplicationViewSet,
    VentureCallViewSet,
    VentureProjectViewSet,
)

routes = [
    ("funding-sources", FundingSourceViewSet, "fundingsource"),
    ("contracts", ContractViewSet, "contract"),
    ("evaluations", PerformanceEvaluationViewSet, "evaluation"),
    ("payment-instalments", PaymentInstalmentViewSet, "paymentinstalment"),
    ("indicator-systems", IndicatorSystemViewSet, "indicatorsystem"),
    ("indicator-categories", IndicatorCategoryViewSet, "indicatorcategory"),
    ("indicators", IndicatorViewSet, "indicator"),
    ("venture-calls", VentureCallViewSet, "venturecall"),
    ("venture-applications", VentureApplicationViewSet, "ventureapplication"),
    ("venture-projects", VentureProjectViewSet, "ventureproject"),
]
