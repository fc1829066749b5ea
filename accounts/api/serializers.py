from portal.api.serializers import ModelSerializer

from ..models import Notification


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "url", "created_at", "read_at"]
        read_only_fields = fields
