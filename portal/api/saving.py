"""A versioned serializer whose create and update hand one model instance to the app's service.

Most edit pages build the instance from the form (``ModelForm`` sets its fields) and call
``<thing>_save(<thing>=instance, expected=...)``; the API twin does the same:

    class ExpertSerializer(InstanceSavedSerializer):
        class Meta:
            model = Expert
            fields = [..., "version"]

        def save_instance(self, instance, expected, many):
            return services.expert_save(expert=instance, user=self.context["request"].user, expected=expected)

``many`` holds the many-to-many values sent (for a service that sets them itself; on a PATCH
without them, their current values). ``version`` is checked as everywhere
(``VersionedModelSerializer``); a stale edit answers 400 naming the fields changed since.
"""

from django.core.exceptions import ImproperlyConfigured

from .serializers import VersionedModelSerializer


class InstanceSavedSerializer(VersionedModelSerializer):
    def save_instance(self, instance, expected, many):
        raise ImproperlyConfigured(f"{type(self).__name__} must name the service that saves it (save_instance)")

    def _split(self, validated_data):
        validated_data.pop("history_version", None)
        names = {f.name for f in self.Meta.model._meta.many_to_many}
        many = {name: validated_data.pop(name) for name in list(validated_data) if name in names}
        return validated_data, many

    def create(self, validated_data):
        fields, many = self._split(validated_data)
        instance = self.Meta.model(**fields)
        return self.save_checked(lambda: self.save_instance(instance, None, many))

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        fields, many = self._split(validated_data)
        for name, value in fields.items():
            setattr(instance, name, value)
        for field in self.Meta.model._meta.many_to_many:
            if field.name not in many and field.name in self.fields:
                many[field.name] = list(getattr(instance, field.name).all())
        return self.save_checked(lambda: self.save_instance(instance, expected, many))
