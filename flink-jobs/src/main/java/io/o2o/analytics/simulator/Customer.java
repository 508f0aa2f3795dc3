package io.o2o.analytics.simulator;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Who a simulated customer is: the identifiers their phone and accounts expose, and what the phone shares.
 *
 * @param rawDeviceId the phone's advertising id, as the app reports it (the engine hashes it)
 * @param secondRawDeviceId the advertising id of the tablet or laptop an O2O customer browses on before the
 *     visit, or null for a customer with only the phone; it sends no location pings
 * @param mac the phone's Wi-Fi MAC, seen by in-store sensors and the Wi-Fi portal
 * @param userId the platform account, for app users; null otherwise
 * @param userIdOnPings whether the app attaches the user id to its location pings
 * @param linksPhoneAtTill whether the phone is tied to the user only by showing the app at the till during the
 *     visit (a two-device customer whose pings carry no user id)
 * @param memberId the loyalty membership, or null
 * @param phone the member's phone number, or null
 * @param epochMillisClock whether the phone's SDK writes timestamps as epoch milliseconds (older app
 *     versions) instead of ISO-8601
 */
record Customer(
        int index,
        JourneyKind journey,
        String customerId,
        String rawDeviceId,
        String secondRawDeviceId,
        String mac,
        String userId,
        boolean userIdOnPings,
        boolean linksPhoneAtTill,
        String memberId,
        String phone,
        String wechatOpenId,
        String weiboUid,
        boolean wifiOn,
        boolean bluetoothOn,
        boolean epochMillisClock) {

    private static final double APP_USER_SHARE = 0.7;
    private static final double USER_ID_ON_PINGS_SHARE = 0.6;
    private static final double SECOND_DEVICE_SHARE_OF_O2O = 0.3;
    private static final double TILL_ONLY_SHARE_OF_TWO_DEVICES = 0.5;
    private static final double MEMBER_SHARE_OF_APP_USERS = 0.4;
    private static final double MEMBER_SHARE_OF_OTHERS = 0.15;
    private static final double WIFI_ON_SHARE = 0.8;
    private static final double BLUETOOTH_ON_SHARE = 0.6;
    private static final double EPOCH_MILLIS_CLOCK_SHARE = 0.15;
    private static final String OPEN_ID_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /**
     * @param random the customer's stream
     * @param devices a stream of its own for the second device, so that drawing it shifts no other draw
     */
    static Customer draw(int index, JourneyKind journey, SplittableRandom random, SplittableRandom devices) {
        boolean twoDevices = journey == JourneyKind.O2O_VISITOR && RandomStreams.chance(devices, SECOND_DEVICE_SHARE_OF_O2O);
        boolean linksPhoneAtTill = twoDevices && RandomStreams.chance(devices, TILL_ONLY_SHARE_OF_TWO_DEVICES);
        boolean appUser = journey.engagesOnline() || RandomStreams.chance(random, APP_USER_SHARE);
        boolean member = RandomStreams.chance(random, appUser ? MEMBER_SHARE_OF_APP_USERS : MEMBER_SHARE_OF_OTHERS);
        String number = String.format(Locale.ROOT, "%06d", index);
        return new Customer(
                index,
                journey,
                "c-" + number,
                advertisingId(random),
                twoDevices ? advertisingId(devices) : null,
                String.format(Locale.ROOT, "a4:5e:60:%02x:%02x:%02x",
                        random.nextInt(256), random.nextInt(256), random.nextInt(256)),
                appUser ? "u-" + number : null,
                // Drawn for everyone, so the draws after it stay where they were.
                appUser && RandomStreams.chance(random, USER_ID_ON_PINGS_SHARE) && !linksPhoneAtTill,
                linksPhoneAtTill,
                member ? "m-" + number : null,
                member ? String.format(Locale.ROOT, "+86138%08d", random.nextInt(100_000_000)) : null,
                openId(random),
                String.format(Locale.ROOT, "%010d", random.nextLong(1_000_000_000L, 10_000_000_000L)),
                RandomStreams.chance(random, WIFI_ON_SHARE),
                RandomStreams.chance(random, BLUETOOTH_ON_SHARE),
                RandomStreams.chance(random, EPOCH_MILLIS_CLOCK_SHARE));
    }

    boolean appUser() {
        return userId != null;
    }

    boolean member() {
        return memberId != null;
    }

    boolean twoDevices() {
        return secondRawDeviceId != null;
    }

    /** The device the customer browses online on before a visit: the second device if they have one. */
    String browsingDeviceId() {
        return twoDevices() ? secondRawDeviceId : rawDeviceId;
    }

    /** Upper-case 8-4-4-4-12 hex, as iOS reports an IDFA. */
    private static String advertisingId(SplittableRandom random) {
        String hex = String.format(Locale.ROOT, "%016X%016X", random.nextLong(), random.nextLong());
        return hex.substring(0, 8) + '-' + hex.substring(8, 12) + '-' + hex.substring(12, 16) + '-'
                + hex.substring(16, 20) + '-' + hex.substring(20);
    }

    /** WeChat open ids are 28 characters starting with "o". */
    private static String openId(SplittableRandom random) {
        StringBuilder id = new StringBuilder("o");
        for (int i = 0; i < 27; i++) {
            id.append(OPEN_ID_ALPHABET.charAt(random.nextInt(OPEN_ID_ALPHABET.length())));
        }
        return id.toString();
    }
}
